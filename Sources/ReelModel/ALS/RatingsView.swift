import ReelLakehouse

/// One side of the silver CSR (user-major or movie-major) as raw pointers,
/// valid inside `RatingsView.with`. Lets the kernels run on the arrays in
/// place, from several threads, without copies or per-access checks.
struct CSRView: @unchecked Sendable {
    let rows: Int
    let offsets: UnsafePointer<Int64>
    let index: UnsafePointer<Int32>
    let values: UnsafePointer<Float>

    @inline(__always) func range(_ row: Int) -> Range<Int> { Int(offsets[row])..<Int(offsets[row + 1]) }
}

enum RatingsView {
    /// Calls `body(byUser, byMovie)` with both CSR layouts of `ratings`.
    static func with<R>(_ ratings: SilverRatings, _ body: (CSRView, CSRView) throws -> R) rethrows -> R {
        try ratings.userOffsets.withUnsafeBufferPointer { uo in
            try ratings.userMovies.withUnsafeBufferPointer { um in
                try ratings.userRatings.withUnsafeBufferPointer { ur in
                    try ratings.movieOffsets.withUnsafeBufferPointer { mo in
                        try ratings.movieUsers.withUnsafeBufferPointer { mu in
                            try ratings.movieRatings.withUnsafeBufferPointer { mr in
                                try body(CSRView(rows: ratings.userCount, offsets: base(uo), index: base(um), values: base(ur)),
                                         CSRView(rows: ratings.movieCount, offsets: base(mo), index: base(mu), values: base(mr)))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A valid pointer even for an empty buffer (kernels never read it then).
    private static func base<T>(_ b: UnsafeBufferPointer<T>) -> UnsafePointer<T> {
        b.baseAddress ?? UnsafePointer(UnsafeMutablePointer<T>.allocate(capacity: 1))
    }
}
