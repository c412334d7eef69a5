import ReelCore

/// One side of the ratings (user-major or movie-major) as raw pointers,
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
    /// Calls `body(byUser, byMovie)` with pointer views of both layouts.
    static func with<R>(byUser: CSRMatrix, byMovie: CSRMatrix, _ body: (CSRView, CSRView) throws -> R) rethrows -> R {
        try byUser.offsets.withUnsafeBufferPointer { uo in
            try byUser.indices.withUnsafeBufferPointer { um in
                try byUser.values.withUnsafeBufferPointer { ur in
                    try byMovie.offsets.withUnsafeBufferPointer { mo in
                        try byMovie.indices.withUnsafeBufferPointer { mu in
                            try byMovie.values.withUnsafeBufferPointer { mr in
                                try body(
                                    CSRView(rows: byUser.rowCount, offsets: base(uo), index: base(um), values: base(ur)),
                                    CSRView(rows: byMovie.rowCount, offsets: base(mo), index: base(mu), values: base(mr)))
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
