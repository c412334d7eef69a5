/// A 64-byte-aligned, manually freed Float buffer shared by kernel threads.
///
/// Kernels write disjoint rows of it from several threads, which Swift
/// arrays cannot express without copies or exclusivity checks; this is the
/// deliberate escape hatch (`@unchecked Sendable`). The owner calls `free()`.
package struct FloatBuffer: @unchecked Sendable {
    package let base: UnsafeMutablePointer<Float>
    package let count: Int

    /// Zero-filled.
    @inlinable package init(count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        base.initialize(repeating: 0, count: max(count, 16))
        self.count = count
    }

    @inlinable package func free() { base.deallocate() }

    @inlinable @inline(__always) package subscript(i: Int) -> Float {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Unsafe pointers made Sendable for kernel closures (read-only inputs or
/// disjoint writes; the caller keeps the memory alive for the call).
package struct SendablePointer<T>: @unchecked Sendable {
    package let base: UnsafeMutablePointer<T>
    @inlinable package init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable package init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
    @inlinable @inline(__always) package subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Rounds `n` up to a multiple of `m`.
@inlinable @inline(__always) package func roundUp(_ n: Int, _ m: Int) -> Int { (n + m - 1) / m * m }
