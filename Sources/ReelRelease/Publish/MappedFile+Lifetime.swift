import ReelCore

extension MappedFile {
    /// Runs `body` on the mapped bytes while this mapping is guaranteed alive.
    ///
    /// `MappedFile(...).bytes` alone is a trap: Swift may release (and so
    /// unmap) the object right after the `bytes` getter returns, before the
    /// pointer is used. Every use of a mapping that is not stored in a
    /// longer-lived object goes through this.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(bytes) }
    }
}
