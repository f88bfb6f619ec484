import HTTPTypes
import Hummingbird
import NIOCore
import TallyCore

/// The raw request body, for the idempotency fingerprint and for handlers that must tell an
/// explicit `null` from a missing field.
enum RawBody {
    @TaskLocal static var bytes: [UInt8]?
}

/// Reads a request body up to the size limit (413 beyond it) so the layers below can hash it
/// for idempotency and look at it for explicit nulls; refuses JSON nested too deeply (400) or
/// holding NUL characters (422) before anything decodes it.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let maxBytes: Int
    /// A body that has not all arrived by then is answered 408 (a client dribbling bytes).
    var timeout: Duration = .seconds(30)

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
            buffer = try await Self.collect(&request, upTo: maxBytes, within: timeout)
        } catch is NIOTooManyBytesError {
            throw APIError.contentTooLarge(limit: maxBytes)
        }
        let bytes = Array(buffer: buffer)
        try Self.checkShape(bytes, contentType: request.headers[.contentType])
        do {
            return try await RawBody.$bytes.withValue(bytes) {
                try await next(request, context)
            }
        } catch {
            // Only here is the body still at hand to find the field a bad date-time was in.
            throw ProblemMapping.locatingInvalidInstant(error, body: bytes)
        }
    }

    static func collect(_ request: inout Request, upTo maxBytes: Int, within timeout: Duration) async throws -> ByteBuffer {
        let body = request.body
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: maxBytes) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw APIError(
                    status: .requestTimeout, slug: "request-timeout", title: "Request timeout",
                    detail: "the request body did not arrive within \(timeout.components.seconds) s",
                    headers: [.connection: "close"])
            }
            return buffer
        }
        request.body = .init(buffer: buffer)
        return buffer
    }

    static func checkShape(_ bytes: [UInt8], contentType: String?) throws(APIError) {
        // Forms are not JSON; anything else that says nothing of its type is read as JSON below.
        if let contentType, !contentType.lowercased().contains("json") { return }
        switch JSONShapeCheck.problem(in: bytes) {
        case nil: return
        case .tooDeep(let pointer, let limit):
            throw APIError.malformedJSON("the JSON is nested more than \(limit) levels deep (at \(pointer))")
        case .nulCharacter(let pointer):
            throw APIError.validation([FieldError(pointer: pointer, detail: "must not contain the NUL character (U+0000)")])
        }
    }
}
