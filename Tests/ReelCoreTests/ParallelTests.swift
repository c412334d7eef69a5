import Synchronization
import Testing
@testable import ReelCore

/// The thread policy of `Parallel`: chunk boundaries independent of the
/// thread count, every row exactly once, results by index, the lowest failing
/// index's error.
@Suite struct ParallelTests {
    struct Failed: Error, Equatable { let index: Int }

    /// (chunk, rows) pairs seen by `forEachChunk`, sorted by chunk.
    private func chunks(count: Int, chunkSize: Int, threads: Int) -> [[Int]] {
        let seen = ParallelSlots<[Int]>(count: Parallel.chunkCount(count, chunkSize: chunkSize))
        Parallel.forEachChunk(count: count, chunkSize: chunkSize, threads: threads) { chunk, rows, worker in
            precondition(worker < max(1, threads))
            seen[chunk] = [rows.lowerBound, rows.upperBound]
        }
        return seen.values
    }

    @Test func chunkBoundariesDoNotDependOnTheThreadCount() {
        let one = chunks(count: 1_003, chunkSize: 64, threads: 1)
        #expect(one.count == 16)
        #expect(one.first == [0, 64])
        #expect(one.last == [960, 1_003])
        for threads in [2, 3, 8, 64] {
            #expect(chunks(count: 1_003, chunkSize: 64, threads: threads) == one)
        }
        #expect(chunks(count: 0, chunkSize: 64, threads: 4).isEmpty)
    }

    @Test func everyRowIsVisitedOnceAndAReductionInChunkOrderIsBitIdentical() {
        let values = (0..<10_000).map { Float($0 % 97) * 0.001 + 1e-7 }
        func sum(threads: Int) -> Float {
            let partial = ParallelSlots<Float>(count: Parallel.chunkCount(values.count, chunkSize: 128))
            Parallel.forEachChunk(count: values.count, chunkSize: 128, threads: threads) { chunk, rows, _ in
                partial[chunk] = rows.reduce(Float(0)) { $0 + values[$1] }
            }
            return partial.values.reduce(0, +)
        }
        let visits = Atomic<Int>(0)
        Parallel.forEachChunk(count: values.count, chunkSize: 7, threads: 3) { _, rows, _ in
            visits.wrappingAdd(rows.count, ordering: .relaxed)
        }
        #expect(visits.load(ordering: .relaxed) == values.count)
        #expect(sum(threads: 1).bitPattern == sum(threads: 2).bitPattern)
        #expect(sum(threads: 1).bitPattern == sum(threads: 5).bitPattern)
    }

    @Test func mapKeepsIndexOrderAndForEachGivesEachWorkerItsOwnState() {
        #expect(Parallel.map(100, threads: 4) { $0 * $0 } == (0..<100).map { $0 * $0 })
        let made = Atomic<Int>(0)
        let sums = ParallelSlots<Int>(count: 50)
        Parallel.forEach(
            50, threads: 3,
            makeState: { () -> [Int] in
                made.wrappingAdd(1, ordering: .relaxed)
                return []
            }
        ) { seen, job in
            seen.append(job)
            sums[job] = seen.count
        }
        #expect(made.load(ordering: .relaxed) == 3)
        #expect(sums.values.allSatisfy { $0 >= 1 })
    }

    @Test func theLowestFailingIndexIsRethrown() {
        #expect(throws: Failed(index: 3)) {
            try Parallel.onWorkers(6) { (w: Int) throws(Failed) in if w >= 3 { throw Failed(index: w) } }
        }
        #expect(throws: Failed(index: 0)) {
            _ = try Parallel.map(20, threads: 4) { (i: Int) throws(Failed) -> Int in
                if i % 5 == 0 { throw Failed(index: i) }
                return i
            }
        }
    }

    @Test func theConfiguredThreadCountWinsOverTheCores() {
        #expect(Parallel.threads(3) == 3)
        #expect(Parallel.threads(0) == Parallel.availableCores)
        #expect(Parallel.threads(nil) == Parallel.availableCores)
        #expect(Parallel.availableCores >= 1)
    }
}
