#if canImport(Glibc)
import Glibc
#endif
import ReelSilver

/// Turns star ratings into the values implicit ALS weighs its confidence by
/// (`ALSParams.confidence`, `ALSParams.recencyHalfLifeDays`), so the solver
/// keeps its one affine form c = 1 + α·v with v = f(r)·w(t).
///
/// Done once per training run on a copy of the value columns (and, for
/// `positive`, a filtered copy of the CSR): the row kernels stay unchanged and
/// allocation-free, and the default (`raw`, no recency) trains on the silver
/// arrays as they are, so results with the defaults are bit for bit those of
/// before the option existed.
enum ConfidenceTransform {
    /// `ratings` as implicit ALS with `params` should see them (the input
    /// itself when `params.transformsRatings` is false).
    static func apply(_ ratings: SilverRatings, params: ALSParams) -> SilverRatings {
        guard params.transformsRatings else { return ratings }
        var data = ratings
        if params.confidence == .positive {
            data = ratings.subset(keep: ratings.userRatings.map { $0 >= ALSParams.positiveThreshold })
        }
        let newest = data.userTimes.max() ?? 0
        data.userRatings = transformed(data.userRatings, times: data.userTimes, newest: newest, params: params)
        data.movieRatings = transformed(data.movieRatings, times: data.movieTimes, newest: newest, params: params)
        return data
    }

    /// v = f(r) · 2^(−age / halfLife) for one value column.
    static func transformed(_ values: [Float], times: [Int64], newest: Int64, params: ALSParams) -> [Float] {
        let halfLifeSeconds = params.recencyHalfLifeDays * 86_400
        let useLog = params.confidence == .log
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            times.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<v.count {
                        var x = useLog ? Float(log1p(Double(v[i]))) : v[i]
                        if halfLifeSeconds > 0 {
                            let age = Double(max(0, newest &- t[i]))
                            x *= Float(exp2(-age / halfLifeSeconds))
                        }
                        o[i] = x
                    }
                }
            }
        }
        return out
    }
}
