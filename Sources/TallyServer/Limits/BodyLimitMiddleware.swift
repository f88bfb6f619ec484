import HTTPTypes
import Hummingbird
import NIOCore

/// The raw request body, for the idempotency fingerprint and for handlers that must tell an
/// explicit `null` from a missing field.
enum RawBody {
    @TaskLocal static var bytes: [UInt8]?
}

/// Reads a request body up to the size limit (413 beyond it) so the layers below can hash it
/// for idempotency and look at it for explicit nulls.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let maxBytes: Int

    /// Routes that take large bodies and stream them themselves, with their own limit.
    static let streamedPaths: Set<String> = ["/webhooks/health", "/v1/imports/apple-health"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method != .get, request.method != .head, !Self.streamedPaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw APIError.contentTooLarge(limit: maxBytes)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.contentTooLarge(limit: maxBytes)
        }
        return try await RawBody.$bytes.withValue(Array(buffer: buffer)) {
            try await next(request, context)
        }
    }
}
