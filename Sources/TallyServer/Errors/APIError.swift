import Foundation
import HTTPTypes
import TallyCore

/// An error on its way to the client as RFC 9457 problem+json. Every failure becomes one of
/// these in `ProblemMapping`, the only place errors are translated.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    /// A short slug for the problem type, such as `validation-failed`.
    var slug: String
    var title: String
    var detail: String?
    var fieldErrors: [FieldError] = []
    var existingID: String?
    var headers: HTTPFields = [:]
    /// Whether the failure is logged as the server's; by default, any 5xx is.
    var isServerFault: Bool?

    static func badRequest(_ detail: String, errors: [FieldError] = []) -> APIError {
        APIError(status: .badRequest, slug: "bad-request", title: "Bad request", detail: detail, fieldErrors: errors)
    }

    static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: .badRequest, slug: "malformed-json", title: "Malformed JSON", detail: detail)
    }

    static func unauthorized(_ detail: String) -> APIError {
        APIError(
            status: .unauthorized, slug: "unauthorized", title: "Unauthorized", detail: detail,
            headers: [.wwwAuthenticate: #"Bearer realm="tally""#])
    }

    static func forbidden(_ detail: String) -> APIError {
        APIError(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
    }

    static func notFound(_ detail: String) -> APIError {
        APIError(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [String]) -> APIError {
        APIError(
            status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
            detail: "\(method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))",
            headers: [.allow: allowed.joined(separator: ", ")])
    }

    static func conflict(_ detail: String, existingID: String? = nil) -> APIError {
        APIError(status: .conflict, slug: "conflict", title: "Conflict", detail: detail, existingID: existingID)
    }

    static func validation(_ errors: [FieldError]) -> APIError {
        let summary = errors.map { ($0.pointer.count > 2 ? "\($0.pointer.dropFirst(2)) " : "the body ") + $0.detail }
            .joined(separator: "; ")
        return APIError(
            status: .unprocessableContent, slug: "validation-failed", title: "Validation failed", detail: summary,
            fieldErrors: errors)
    }

    static func unprocessable(_ slug: String, _ title: String, _ detail: String) -> APIError {
        APIError(status: .unprocessableContent, slug: slug, title: title, detail: detail)
    }

    static func contentTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, slug: "content-too-large", title: "Content too large",
            detail: "the request body is over the limit of \(limit) bytes")
    }

    static func unsupportedMediaType(_ detail: String) -> APIError {
        APIError(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type", detail: detail)
    }

    static func rateLimited(
        retryAfter seconds: Int, detail: String = "this API key has used its requests for this minute"
    ) -> APIError {
        APIError(
            status: .tooManyRequests, slug: "rate-limited", title: "Too many requests",
            detail: "\(detail); retry in \(seconds) s",
            headers: [.retryAfter: String(seconds)])
    }

    /// A route the configuration turned off: the caller's problem to hear about, not the server's.
    static func switchedOff(_ detail: String) -> APIError {
        APIError(
            status: .serviceUnavailable, slug: "switched-off", title: "Service unavailable", detail: detail,
            isServerFault: false)
    }

    static func unavailable(_ detail: String) -> APIError {
        APIError(status: .serviceUnavailable, slug: "unavailable", title: "Service unavailable", detail: detail)
    }

    /// Toggl or Clockify refused or failed; the detail is the source error's own one line.
    static func sourceFailed(_ detail: String) -> APIError {
        APIError(status: .badGateway, slug: "source-failed", title: "The time tracker answered with an error", detail: detail)
    }

    static func sourceWaiting(_ detail: String, until: Date, now: Date) -> APIError {
        let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        return APIError(
            status: .serviceUnavailable, slug: "source-waiting", title: "The time tracker asks to wait", detail: detail,
            headers: [.retryAfter: String(seconds)])
    }

    static let internalError = APIError(
        status: .internalServerError, slug: "internal-error", title: "Internal server error",
        detail: "the server failed to answer; the request id in this response is in its log")
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
    static let rateLimitReset = Self("X-RateLimit-Reset")!
    static let rateLimit = Self("RateLimit")!
    static let rateLimitPolicy = Self("RateLimit-Policy")!
}
