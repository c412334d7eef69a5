import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport

@Suite struct ProjectionTests {
    @Test func onlyRequestedColumnsArePaged() throws {
        let path = makeTempDir() + "/p.parquet"
        let schema = try ParquetSchema([TableColumn("userId", .int32), TableColumn("title", .string), TableColumn("score", .double)])
        let n = 4000
        let columns: [ParquetColumnData] = [
            .int32((0..<n).map { Int32($0) }),
            .strings((0..<n).map { "title \($0)" }),
            .double((0..<n).map { Double($0) / 3 }),
        ]
        let options = ParquetWriteOptions.with {
            $0.pageTargetBytes = 2048; $0.rowGroupTargetBytes = 40_000
        }
        let summary = try ParquetFile.write(to: path, schema: schema, columns: columns, options: options)
        #expect(summary.rowGroupCount > 1)
        #expect(summary.pagesPerColumn.allSatisfy { $0 > summary.rowGroupCount })
        let reader = try ParquetReader(path: path)
        let one = try reader.readColumns(["userId"])
        #expect(one.pagesDecoded == summary.pagesPerColumn[0])
        #expect(one.columns[0] == columns[0])
        let two = try reader.readColumns(["score", "userId"])
        #expect(two.pagesDecoded == summary.pagesPerColumn[2] + summary.pagesPerColumn[0])
        #expect(two.columns == [columns[2], columns[0]])
        #expect(try reader.readAll().pagesDecoded == summary.pagesPerColumn.reduce(0, +))

        // Destroy the title column's pages: the other columns still read, title is an error.
        var bytes = try FileSystem.readBytes(path)
        for group in reader.metadata.rowGroups {
            let meta = try #require(group.columns[1].metaData)
            let start = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
            for i in start..<(start + Int(meta.totalCompressedSize)) { bytes[i] ^= 0x5A }
        }
        try writeQuickly(path, bytes)
        let damaged = try ParquetReader(path: path)
        #expect(try damaged.readColumns(["userId", "score"]).columns == [columns[0], columns[2]])
        #expect(throws: ReelError.self) { try damaged.readColumns(["title"]) }
        #expect(throws: ReelError.self) { try damaged.readColumns(["nope"]) }
    }
}
