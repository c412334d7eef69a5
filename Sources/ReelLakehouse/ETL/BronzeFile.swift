import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// A bronze CSV file mapped into memory with its header checked against the
/// contract. Every way it can be unusable (missing, unreadable, empty, wrong
/// header) is an `.invalidInput` error naming the file, which fails the run.
struct BronzeFile {
    let path: String
    let file: MappedFile
    /// First byte after the header line.
    let dataStart: Int
    /// Line number of the first record after the header.
    let firstLine: Int

    var bytes: UnsafeRawBufferPointer { file.bytes }

    static func open(_ table: BronzeTable, directory: String, contractPath: String) throws -> BronzeFile {
        let path = Path.join(directory, table.file)
        guard FileSystem.exists(path) else {
            throw ReelError(.notFound, "\(path) is missing (the bronze contract requires it): run `reel synth` or `reel bronze bootstrap` first")
        }
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let e as ReelError {
            throw ReelError(.invalidInput, "\(table.file) is unreadable: \(e.message)")
        }
        file.advise(MADV_SEQUENTIAL)
        let bytes = file.bytes
        var scanner = CSVScanner(bytes: bytes, from: CSVScanner.contentStart(bytes), limit: bytes.count)
        var header = CSVRecord()
        let expected = table.header
        guard scanner.next(into: &header) else {
            throw ReelError(.invalidInput, "\(path) is empty; the contract (\(Path.basename(contractPath))) expects the header `\(expected)`")
        }
        let found = (0..<min(header.fieldCount, CSVRecord.capacity)).map { header.string($0, in: bytes) }
        guard !header.malformed, header.fieldCount == table.columns.count, found == table.columns.map(\.name) else {
            let shown = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[header.start..<header.end]).prefix(200), as: UTF8.self)
            throw ReelError(.invalidInput, "\(path): header is `\(shown)` but the contract (\(Path.basename(contractPath))) expects `\(expected)`")
        }
        return BronzeFile(path: path, file: file, dataStart: scanner.position, firstLine: scanner.line)
    }
}

extension BronzeContract {
    /// Checks that table `name`'s file exists in `directory`, is readable and
    /// starts with exactly the contract's header — what `reel bronze
    /// validate` needs without running the ETL. Throws the ETL's own errors.
    public func checkHeader(_ name: String, directory: String) throws {
        _ = try BronzeFile.open(try table(name), directory: directory, contractPath: path)
    }
}
