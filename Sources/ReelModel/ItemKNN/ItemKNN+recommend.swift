import ReelCore
import ReelSilver

extension ItemKNNModel {
    /// Top-`k` movie rows (best first, -1 padded) and scores for each of
    /// `users` (user rows): Σ of the similarities between a candidate and the
    /// user's history movies, every movie the user rated in `ratings`
    /// excluded. `users.count × k` entries, the layout of the ALS top-K.
    ///
    /// - Parameter ratings: the ratings the model was trained on (the exclusion lists).
    public func recommend(users: [Int32], ratings: SilverRatings, k: Int) -> (movies: [Int32], scores: [Float]) {
        precondition(k >= 1 && ratings.movieCount == movieCount)
        var outMovies = [Int32](repeating: -1, count: users.count * k)
        var outScores = [Float](repeating: -.infinity, count: users.count * k)
        let n = params.neighbours
        let scratch = (0..<params.threads).map { _ in ItemKNN.Scratch(movies: movieCount, k: k) }
        defer { for s in scratch { s.free() } }
        users.withUnsafeBufferPointer { us in
            historyOffsets.withUnsafeBufferPointer { ho in
                historyMovies.withUnsafeBufferPointer { hm in
                    neighbourMovies.withUnsafeBufferPointer { nm in
                        neighbourScores.withUnsafeBufferPointer { ns in
                            ratings.userOffsets.withUnsafeBufferPointer { ro in
                                ratings.userMovies.withUnsafeBufferPointer { rm in
                                    outMovies.withUnsafeMutableBufferPointer { om in
                                        outScores.withUnsafeMutableBufferPointer { os in
                                            let us = SendablePointer(us.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            let ho = SendablePointer(ho.baseAddress!),
                                                hm = SendablePointer(hm.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            let nm = SendablePointer(nm.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            let ns = SendablePointer(ns.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            let ro = SendablePointer(ro.baseAddress!),
                                                rm = SendablePointer(rm.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            let om = SendablePointer(om.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                                            let os = SendablePointer(os.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                                            Parallel.forEachChunk(count: users.count, chunkSize: 64, threads: params.threads) { _, rows, worker in
                                                let s = scratch[worker]
                                                for q in rows {
                                                    let u = Int(us[q])
                                                    var touched = 0
                                                    for h in Int(ho[u])..<Int(ho[u + 1]) {
                                                        let i = Int(hm[h])
                                                        for t in i * n..<(i + 1) * n {
                                                            let j = Int(nm[t])
                                                            if j < 0 { break }
                                                            if s.counts[j] == 0 { s.counts[j] = 1; s.touched[touched] = Int32(j); touched += 1 }
                                                            s.sums[j] += ns[t]
                                                        }
                                                    }
                                                    // Rated movies are out: mark them so the pass below skips them.
                                                    for r in Int(ro[u])..<Int(ro[u + 1]) { s.counts[Int(rm[r])] = 2 }
                                                    s.sortTouched(touched)
                                                    var top = TopKCandidates(scores: s.topScores, items: s.topItems, k: k)
                                                    for t in 0..<touched {
                                                        let j = Int(s.touched[t])
                                                        if s.counts[j] == 1, s.sums[j] > top.threshold { top.push(s.sums[j], Int32(j)) }
                                                        s.sums[j] = 0
                                                    }
                                                    for t in 0..<touched { s.counts[Int(s.touched[t])] = 0 }
                                                    for r in Int(ro[u])..<Int(ro[u + 1]) { s.counts[Int(rm[r])] = 0 }
                                                    top.drain(into: om.base + q * k, os.base + q * k)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (outMovies, outScores)
    }
}
