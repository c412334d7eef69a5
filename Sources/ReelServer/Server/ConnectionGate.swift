import Synchronization

/// Counts the open client connections against `ServerConfiguration.maxConnections`.
///
/// Why a cap: every connection costs a file descriptor and buffers; without
/// one, a flood of connections runs the process out of descriptors (accept
/// fails with EMFILE for everyone, health checks included) or memory. Touched
/// once per connection (one atomic add), never per request.
final class ConnectionGate: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = max(limit, 1) }

    /// Takes a place for a new connection; false (and nothing taken) when all are in use.
    func enter() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    /// Gives back the place of a closed connection.
    func leave() { open.wrappingSubtract(1, ordering: .relaxed) }

    var count: Int { open.load(ordering: .relaxed) }
}
