import Synchronization

/// Values read from the database, kept while the store's change counter stays at one value: the
/// first lookup that sees another value empties the cache, so nothing older than the database is
/// ever served. Bounded by a cost (bytes, or a count); when full it starts over. The read cache
/// and the API-key cache are both this.
final class UnchangedDataCache<Value: Sendable>: Sendable {
    private struct State {
        var version: UInt64?
        var values: [String: (value: Value, cost: Int)] = [:]
        var cost = 0
    }

    private let state = Mutex(State())
    let budget: Int
    let cost: @Sendable (String, Value) -> Int

    init(budget: Int, cost: @escaping @Sendable (String, Value) -> Int) {
        self.budget = budget
        self.cost = cost
    }

    /// The value kept for `key` while the database was at `version`.
    func value(for key: String, at version: UInt64) -> Value? {
        state.withLock { state in
            guard state.version == version else {
                state = State(version: version)
                return nil
            }
            return state.values[key]?.value
        }
    }

    /// Keeps a value read from the database at `version` (read before the value was). One that
    /// would take over a quarter of the budget is not kept.
    func keep(_ value: Value, for key: String, at version: UInt64) {
        let size = cost(key, value)
        guard size <= max(1, budget / 4) else { return }
        state.withLock { state in
            if state.version != version {
                // A value from an older version is dropped; a newer version starts afresh.
                guard let current = state.version, version > current else { return }
                state = State(version: version)
            }
            if state.cost + size > budget { state = State(version: version) }
            if let old = state.values.updateValue((value, size), forKey: key) { state.cost -= old.cost }
            state.cost += size
        }
    }
}
