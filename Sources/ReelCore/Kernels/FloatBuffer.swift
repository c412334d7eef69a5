/// A 64-byte-aligned, manually freed Float buffer shared by kernel threads.
///
/// Kernels write disjoint rows of it from several threads, which Swift
/// arrays cannot express without copies or exclusivity checks; this is the
/// deliberate escape hatch (`@unchecked Sendable`). The owner calls `free()`.
public struct FloatBuffer: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    /// Zero-filled.
    @inlinable public init(count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        base.initialize(repeating: 0, count: max(count, 16))
        self.count = count
    }

    @inlinable public func free() { base.deallocate() }

    @inlinable @inline(__always) public subscript(i: Int) -> Float {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Unsafe pointers made Sendable for kernel closures (read-only inputs or
/// disjoint writes; the caller keeps the memory alive for the call).
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
    @inlinable @inline(__always) public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Rounds `n` up to a multiple of `m`.
@inlinable @inline(__always) public func roundUp(_ n: Int, _ m: Int) -> Int { (n + m - 1) / m * m }
