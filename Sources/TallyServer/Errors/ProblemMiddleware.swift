import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Catches every error below it and answers with problem+json; unmatched routes become 404 or,
/// when the path exists with other methods, 405 with `Allow`.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let routes: RouteTableBox

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            var (apiError, serverFault) = ProblemMapping.apiError(for: error)
            // Hummingbird names the route of unmatched requests "NotFound".
            if apiError.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound" {
                let allowed = routes.methods(forPath: request.uri.path)
                if !allowed.isEmpty { apiError = .methodNotAllowed(request.method, allowed: allowed) }
            }
            if serverFault {
                context.logger.error(
                    "request failed", metadata: ["error": .string(LoggedError.summary(error)), "status": "\(apiError.status.code)"])
            }
            return ProblemResponse.make(apiError, requestID: context.requestID, instance: request.uri.path)
        }
    }
}

/// The problem+json body (RFC 9457).
struct ProblemBody: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var requestID: String?
    var existingID: String?
    var errors: [Field]?

    struct Field: Encodable {
        var pointer: String
        var detail: String
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestID = "request_id"
        case existingID = "existing_id"
    }
}

enum ProblemResponse {
    static func make(_ error: APIError, requestID: String, instance: String) -> Response {
        let body = ProblemBody(
            type: "/docs#problem-\(error.slug)", title: error.title, status: Int(error.status.code), detail: error.detail,
            instance: instance, requestID: requestID.isEmpty ? nil : requestID, existingID: error.existingID,
            errors: error.fieldErrors.isEmpty ? nil : error.fieldErrors.map { .init(pointer: $0.pointer, detail: $0.detail) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"title":"Internal server error","status":500}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
