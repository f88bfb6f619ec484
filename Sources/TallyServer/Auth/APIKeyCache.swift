import Synchronization
import TallyCore
import TallyStore

/// API keys by their lookup part, kept while the database is unchanged, so a client's requests do
/// not each read the key again. Any commit (a revocation from the CLI or another server included)
/// empties it; the secret is still checked against the stored hash on every request.
final class APIKeyCache: Sendable {
    private struct State {
        var version: UInt64?
        var keys: [String: APIKey] = [:]
    }

    private let state = Mutex(State())
    let changes: (any ChangeCounter)?
    /// Enough for every key a deployment has; guessing lookups never fills it (only found keys are kept).
    let capacity = 10_000

    init(changes: (any ChangeCounter)?) {
        self.changes = changes
    }

    /// The key with this lookup part, and the change counter it was checked against.
    func key(lookup: String, load: (String) async throws -> APIKey?) async throws -> (key: APIKey?, version: UInt64?) {
        guard let version = changes?.current() else { return (try await load(lookup), nil) }
        let kept = state.withLock { state -> APIKey? in
            if state.version != version { state = State(version: version) }
            return state.keys[lookup]
        }
        if let kept { return (kept, version) }
        guard let key = try await load(lookup) else { return (nil, version) }
        state.withLock { state in
            guard state.version == version else { return }
            if state.keys.count >= capacity { state.keys.removeAll() }
            state.keys[lookup] = key
        }
        return (key, version)
    }
}
