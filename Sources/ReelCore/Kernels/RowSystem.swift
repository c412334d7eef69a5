/// The normal equations of one ALS row,
///
///     (G + d·I + Σₖ wₖ yₖ yₖᵀ) x = Σₖ tₖ yₖ,
///
/// over the row's ratings k, where yₖ is the factor row of the other side and
/// wₖ, tₖ are affine in the rating rₖ. Both ALS modes are this one system:
///
/// * explicit (ALS-WR): G = 0, d = λ·nᵤ, wₖ = 1, tₖ = rₖ;
/// * implicit (Hu–Koren–Volinsky): G = YᵀY, d = λ, wₖ = cₖ − 1 = α·rₖ,
///   tₖ = cₖ = 1 + α·rₖ (the unobserved pairs enter through G).
public struct RowSystem {
    public var gram: UnsafePointer<Float>?
    public var diagonal: Float
    public var factors: UnsafePointer<Float>
    public var rows: UnsafePointer<Int32>
    public var values: UnsafePointer<Float>
    public var count: Int
    public var wScale: Float
    public var wBias: Float
    public var tScale: Float
    public var tBias: Float

    /// Memberwise, spelled out: the fold-in (ReelServing) builds systems too.
    @inlinable public init(
        gram: UnsafePointer<Float>?, diagonal: Float, factors: UnsafePointer<Float>,
        rows: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
        wScale: Float, wBias: Float, tScale: Float, tBias: Float
    ) {
        self.gram = gram; self.diagonal = diagonal; self.factors = factors
        self.rows = rows; self.values = values; self.count = count
        self.wScale = wScale; self.wBias = wBias; self.tScale = tScale; self.tBias = tBias
    }
}

/// Per-thread scratch of the row solvers, allocated once per training run,
/// so solving a row allocates nothing.
public struct RowScratch {
    public let rank: Int
    public let n16: Int
    public let matrix: UnsafeMutablePointer<Float>
    public let rhs: UnsafeMutablePointer<Float>
    public let diagonal: UnsafeMutablePointer<Float>
    public let residual: UnsafeMutablePointer<Float>
    public let direction: UnsafeMutablePointer<Float>
    public let product: UnsafeMutablePointer<Float>
    /// Gathered factor rows for `VectorKernels.accumulateOuterProducts`.
    public let gather: UnsafeMutablePointer<Float>
    /// The rated rows' factors, transposed (rank × roundUp(n, 16)), for the
    /// dual solve of short explicit rows.
    public let transposed: UnsafeMutablePointer<Float>
    public let storage: FloatBuffer

    @inlinable public init(rank: Int) {
        self.rank = rank
        n16 = roundUp(max(rank, 1), 16)
        storage = FloatBuffer(count: 2 * n16 * n16 + 5 * n16 + 2 * VectorKernels.gatherRows * n16)
        matrix = storage.base
        rhs = matrix + n16 * n16
        diagonal = rhs + n16
        residual = diagonal + n16
        direction = residual + n16
        product = direction + n16
        gather = product + n16
        transposed = gather + 2 * VectorKernels.gatherRows * n16
    }

    @inlinable public func free() { storage.free() }
}

/// Solves `RowSystem`s into factor rows (stride n16, padding kept at zero).
public enum RowSolver {
    /// Exact solve by Cholesky. Returns false when the system is singular.
    /// Explicit rows with fewer ratings than the rank take the equivalent
    /// n × n dual system (`dualCholesky`), the others `primalCholesky`.
    @inlinable public static func cholesky(_ s: RowSystem, x: UnsafeMutablePointer<Float>, scratch: RowScratch) -> Bool {
        guard s.count > 0 else { x.update(repeating: 0, count: scratch.n16); return true }
        if s.count < scratch.rank, s.gram == nil, s.wScale == 0, s.wBias == 1, s.diagonal > 0 {
            return dualCholesky(s, x: x, scratch: scratch)
        }
        return primalCholesky(s, x: x, scratch: scratch)
    }

    /// The rank × rank normal equations, accumulated and factorised in place.
    @inlinable public static func primalCholesky(_ s: RowSystem, x: UnsafeMutablePointer<Float>, scratch: RowScratch) -> Bool {
        let rank = scratch.rank, n16 = scratch.n16
        let a = scratch.matrix, b = scratch.rhs
        if let g = s.gram { a.update(from: g, count: n16 * n16) } else { a.update(repeating: 0, count: n16 * n16) }
        VectorKernels.accumulateOuterProducts(
            a, rank: rank, n16: n16, factors: s.factors,
            rows: s.rows, values: s.values, count: s.count,
            wScale: s.wScale, wBias: s.wBias, gather: scratch.gather)
        for i in 0..<rank { a[i * n16 + i] += s.diagonal }
        rightHandSide(s, b, n16)
        guard CholeskySolver.factor(a, rank: rank, n16: n16, diagonal: scratch.diagonal) else { return false }
        CholeskySolver.solve(a, rank: rank, n16: n16, b)
        for i in 0..<rank { x[i] = b[i] }
        for i in rank..<n16 { x[i] = 0 }
        return x[0].isFinite
    }

    /// `steps` conjugate-gradient iterations warm-started from the current x
    /// (as the `implicit` library does), never forming the row's matrix.
    /// A direction with no curvature (pᵀAp ≤ 0, possible only when λ = 0 and
    /// the system is singular) ends the iterations for this row, which leaves
    /// x's component in the null space unchanged instead of producing NaN.
    @inlinable public static func conjugateGradient(_ s: RowSystem, x: UnsafeMutablePointer<Float>, steps: Int, scratch: RowScratch) {
        let n16 = scratch.n16
        let r = scratch.residual, p = scratch.direction, ap = scratch.product
        guard s.count > 0 else { x.update(repeating: 0, count: n16); return }
        rightHandSide(s, r, n16)
        apply(s, x, ap, scratch)
        VectorKernels.axpy(-1, ap, r, n16)
        p.update(from: r, count: n16)
        var rsOld = VectorKernels.dot(r, r, n16)
        guard rsOld > 1e-20 else { return }
        for _ in 0..<steps {
            apply(s, p, ap, scratch)
            let curvature = VectorKernels.dot(p, ap, n16)
            guard curvature > 0, curvature.isFinite else { return }
            let alpha = rsOld / curvature
            VectorKernels.axpy(alpha, p, x, n16)
            VectorKernels.axpy(-alpha, ap, r, n16)
            let rsNew = VectorKernels.dot(r, r, n16)
            if rsNew < 1e-20 { return }
            VectorKernels.xpby(r, rsNew / rsOld, p, n16)
            rsOld = rsNew
        }
    }

    /// b = Σₖ tₖ yₖ.
    @inlinable @inline(__always) public static func rightHandSide(_ s: RowSystem, _ b: UnsafeMutablePointer<Float>, _ n16: Int) {
        b.update(repeating: 0, count: n16)
        for k in 0..<s.count {
            VectorKernels.axpy(s.tScale * s.values[k] + s.tBias, s.factors + Int(s.rows[k]) &* n16, b, n16)
        }
    }

    /// out = A·v without forming A: G·v + d·v + Σₖ wₖ (yₖ·v) yₖ.
    @inlinable @inline(__always) public static func apply(
        _ s: RowSystem, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ scratch: RowScratch
    ) {
        let n16 = scratch.n16
        if let g = s.gram {
            VectorKernels.symmetricMultiply(g, v, out, rank: scratch.rank, n16: n16)
        } else {
            out.update(repeating: 0, count: n16)
        }
        VectorKernels.axpy(s.diagonal, v, out, n16)
        for k in 0..<s.count {
            let y = s.factors + Int(s.rows[k]) &* n16
            let w = s.wScale * s.values[k] + s.wBias
            VectorKernels.axpy(w * VectorKernels.dot(y, v, n16), y, out, n16)
        }
    }
}
