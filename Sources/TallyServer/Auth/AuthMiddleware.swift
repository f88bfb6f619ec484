import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TallyCore
import TallyStore

/// Checks `Authorization: Bearer <key>` on every `/v1` route. Unknown, malformed, expired and
/// revoked keys all get the same 401, so a caller learns nothing about which keys exist.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let store: any TallyStore
    let now: @Sendable () -> Date
    let usage: KeyUsageRecorder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("send an API key as 'Authorization: Bearer <key>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <key>'")
        }
        let instant = now()
        guard let presented = APIKeySecret(presented: parts[1].trimmingCharacters(in: .whitespaces)),
            let key = try await store.apiKey(lookup: presented.lookup),
            presented.matches(key), key.isActive(at: instant)
        else {
            throw APIError.unauthorized("the API key is not valid, or has expired or been revoked")
        }
        try await usage.record(key, at: instant, in: store)
        var context = context
        context.apiKey = key
        context.logger[metadataKey: "api_key_id"] = .string(key.id)
        return try await Caller.$apiKey.withValue(key) {
            try await next(request, context)
        }
    }
}

/// Writes a key's `last_used_at` at most once a minute, so reads stay reads.
final class KeyUsageRecorder: Sendable {
    private let lastWritten = Mutex<[String: Date]>([:])
    let resolution: TimeInterval = 60

    func record(_ key: APIKey, at now: Date, in store: any TallyStore) async throws {
        let due = lastWritten.withLock { written -> Bool in
            let previous = written[key.id] ?? key.lastUsedAt ?? .distantPast
            guard now.timeIntervalSince(previous) >= resolution else { return false }
            written[key.id] = now
            return true
        }
        if due { try await store.recordAPIKeyUse(id: key.id, at: now) }
    }
}
