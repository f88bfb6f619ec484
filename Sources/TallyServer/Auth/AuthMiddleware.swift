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
    let keys: APIKeyCache
    /// Failed attempts per client address: guessing keys gets 429 like any other flood.
    let failures: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            return try await fromDashboard(request, context: context, next: next)
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw refusal("the Authorization header must be 'Bearer <key>'", context: context)
        }
        let instant = now()
        guard let presented = APIKeySecret(presented: Self.trimmed(parts[1])) else {
            throw refusal("the API key is not valid, or has expired or been revoked", context: context)
        }
        let (found, version) = try await keys.key(lookup: presented.lookup, load: { try await store.apiKey(lookup: $0) })
        guard let key = found, presented.matches(key), key.isActive(at: instant) else {
            throw refusal("the API key is not valid, or has expired or been revoked", context: context)
        }
        do { try await usage.record(key, at: instant, in: store) } catch {
            context.logger.warning("could not record the API key's last use", metadata: ["error": "\(error)"])
        }
        // A key bound to a user acts as that user would: a member's key only for them.
        let access: Access
        if let userID = key.userID, !key.allows(.admin) {
            access = Access.of(key: key, boundUser: try await store.user(id: userID))
        } else {
            access = .wholeTeam
        }
        var context = context
        context.apiKey = key
        context.databaseVersion = version
        context.logger[metadataKey: "api_key_id"] = .string(key.id)
        return try await Caller.$identity.withValue(.init(apiKey: key, access: access)) {
            try await next(request, context)
        }
    }
}

extension AuthMiddleware {
    /// Without the spaces and tabs around it.
    static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return text[first...last]
    }

    /// The dashboard's script calls the API with the session cookie instead of a key; anything
    /// but a read must also carry the session's CSRF token in `X-CSRF-Token`.
    func fromDashboard(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let signedIn = try await SignedIn.find(request, store: store, now: now()) else {
            throw refusal("send an API key as 'Authorization: Bearer <key>'", context: context)
        }
        if ![.get, .head, .options].contains(request.method),
            !signedIn.accepts(csrf: request.headers[HTTPField.Name("X-CSRF-Token")!])
        {
            throw APIError.forbidden("send the page's CSRF token in X-CSRF-Token")
        }
        var context = context
        context.apiKey = signedIn.apiKey
        context.logger[metadataKey: "user_id"] = .string(signedIn.user.id)
        return try await Caller.$identity.withValue(signedIn.identity) {
            try await next(request, context)
        }
    }

    /// A 401, or a 429 once this address has failed too often in the window.
    func refusal(_ detail: String, context: Context) -> APIError {
        let decision = failures.take(for: context.clientAddress ?? "unknown", at: now())
        return decision.allowed
            ? .unauthorized(detail)
            : .rateLimited(
                retryAfter: decision.secondsToReset, detail: "too many requests without a valid API key from this address")
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
