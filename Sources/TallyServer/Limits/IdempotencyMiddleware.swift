import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TallyStore

/// `Idempotency-Key` on creating POSTs, as Stripe does it: the same key and body replays the first
/// response, the same key with another body is 422, a key whose first request is still running
/// is 409. Only successful responses are kept; a failed request frees its key for a retry.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let store: any TallyStore
    let now: @Sendable () -> Date
    /// Only these routes take part: their answers hold nothing secret (an API key's creation
    /// answer does, and must never be stored).
    static let paths: Set<String> = ["/v1/daily-logs", "/v1/appointments", "/v1/time-entries"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .post, Self.paths.contains(request.uri.path), let key = request.headers[.idempotencyKey],
            let apiKey = context.apiKey
        else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count) else {
            throw APIError.badRequest("Idempotency-Key must be 1 to 255 characters")
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: RawBody.bytes ?? [])
        let fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let claim = IdempotentRequest(apiKeyID: apiKey.id, key: key, fingerprint: fingerprint, at: now())

        switch try await store.beginIdempotentRequest(claim) {
        case .mismatch:
            throw APIError.unprocessable(
                "idempotency-key-reused", "Idempotency key reused",
                "this Idempotency-Key was already used with a different request")
        case .inProgress:
            throw APIError.conflict("the first request with this Idempotency-Key is still being processed")
        case .replay(let stored):
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            if let contentType = stored.contentType { headers[.contentType] = contentType }
            if let location = stored.location { headers[.location] = location }
            return Response(
                status: .init(code: stored.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
        case .claimed:
            break
        }

        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try? await store.releaseIdempotentRequest(claim)
            throw error
        }
        guard (200..<300).contains(response.status.code) else {
            try? await store.releaseIdempotentRequest(claim)
            return response
        }
        let bytes = Array(try await response.body.collected().readableBytesView)
        do {
            try await store.completeIdempotentRequest(
                claim,
                response: StoredResponse(
                    status: Int(response.status.code), contentType: response.headers[.contentType],
                    location: response.headers[.location], body: bytes))
        } catch {
            // The resource exists; failing now would invite a duplicate. The unfinished claim
            // lapses after its lease and the client may retry.
            context.logger.warning("could not store the idempotent response", metadata: ["error": "\(error)"])
        }
        var replayable = Response(
            status: response.status, headers: response.headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        replayable.headers[.contentLength] = nil
        return replayable
    }
}
