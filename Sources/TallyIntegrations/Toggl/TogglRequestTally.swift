import Synchronization

/// Counts the HTTP requests made inside one task tree, so a sync cycle reports its own cost
/// even when timer commands share the client at the same time.
final class TogglRequestTally: Sendable {
    @TaskLocal static var current: TogglRequestTally?

    private let value = Mutex(0)

    var count: Int { value.withLock { $0 } }

    func add() { value.withLock { $0 += 1 } }
}
