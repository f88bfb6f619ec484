import TallyCore
import TallyStore

/// API keys by their lookup part, kept while the database is unchanged, so a client's requests do
/// not each read the key again. Any commit (a revocation from the CLI or another server included)
/// empties it; the secret is still checked against the stored hash on every request.
final class APIKeyCache: Sendable {
    /// Enough for every key a deployment has; guessing lookups never fills it (only found keys are kept).
    private let keys = UnchangedDataCache<APIKey>(budget: 10_000, cost: { _, _ in 1 })
    let changes: (any ChangeCounter)?

    init(changes: (any ChangeCounter)?) {
        self.changes = changes
    }

    /// The key with this lookup part, and the change counter it was checked against.
    func key(lookup: String, load: (String) async throws -> APIKey?) async throws -> (key: APIKey?, version: UInt64?) {
        guard let version = changes?.current() else { return (try await load(lookup), nil) }
        if let kept = keys.value(for: lookup, at: version) { return (kept, version) }
        guard let key = try await load(lookup) else { return (nil, version) }
        keys.keep(key, for: lookup, at: version)
        return (key, version)
    }
}
