import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds `Authorization: Bearer <key>` to every request.
struct BearerAuthMiddleware: ClientMiddleware {
    let apiKey: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(apiKey)"
        return try await next(request, body, baseURL)
    }
}

/// How often and how patiently to retry 429 and 5xx answers.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait before the first retry; it doubles with each one (with jitter).
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the error is returned instead.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based): exponential with full jitter, or the
    /// server's `Retry-After` when it gave one.
    func delay(beforeRetry retry: Int, retryAfter: Duration?) -> Duration? {
        if let retryAfter { return retryAfter <= maxRetryAfter ? retryAfter : nil }
        let exponential = baseDelay * (1 << min(retry - 1, 20))
        let capped = min(exponential, maxDelay)
        let milliseconds = Int64(capped.components.seconds * 1000 + capped.components.attoseconds / 1_000_000_000_000_000)
        return .milliseconds(Int64.random(in: milliseconds / 2...max(milliseconds / 2, milliseconds)))
    }
}

/// Retries 429, 502, 503, 504 and other 5xx answers and failed connections, as the seed's best
/// practices ask: exponential backoff that honours `Retry-After`.
struct RetryMiddleware: ClientMiddleware {
    let policy: RetryPolicy

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // Repeating a request must not repeat its effect: retry reads, idempotent methods and
        // POSTs that carry an Idempotency-Key; never the health check, whose 503 is its answer.
        let repeatable =
            [.get, .head, .put, .delete, .options].contains(request.method)
            || request.headerFields[HTTPField.Name("Idempotency-Key")!] != nil
        guard repeatable, operationID != "getHealth" else { return try await next(request, body, baseURL) }
        let replayableBody: HTTPBody?
        if let body, body.iterationBehavior == .single {
            replayableBody = HTTPBody(try await [UInt8](collecting: body, upTo: 64 << 20))
        } else {
            replayableBody = body
        }
        var attempt = 1
        while true {
            let response: HTTPResponse
            let responseBody: HTTPBody?
            do {
                (response, responseBody) = try await next(request, replayableBody, baseURL)
            } catch {
                guard attempt < policy.maxAttempts, let delay = policy.delay(beforeRetry: attempt, retryAfter: nil)
                else { throw error }
                try await Task.sleep(for: delay)
                attempt += 1
                continue
            }
            let status = response.status.code
            guard status == 429 || status >= 500, attempt < policy.maxAttempts else {
                return (response, responseBody)
            }
            let retryAfter = response.headerFields[.retryAfter].flatMap(Self.parseRetryAfter)
            guard let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter) else {
                return (response, responseBody)
            }
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Duration? {
        if let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSinceNow.rounded(.up))))
    }
}

/// Turns every answer that is not 2xx into a `TallyClientError`, with the problem details.
struct ProblemErrorMiddleware: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        let status = response.status.code
        // /health documents its 503 as an answer, not a failure.
        guard status >= 300, !(operationID == "getHealth" && status == 503) else { return (response, responseBody) }
        var problem: Problem?
        if let responseBody {
            let bytes = try await [UInt8](collecting: responseBody, upTo: 1 << 20)
            problem = try? JSONDecoder().decode(Problem.self, from: Data(bytes))
        }
        switch status {
        case 401: throw TallyClientError.unauthorized(problem)
        case 403: throw TallyClientError.forbidden(problem)
        case 404: throw TallyClientError.notFound(problem)
        case 409: throw TallyClientError.conflict(existingID: problem?.existingId, problem)
        case 400, 422: throw TallyClientError.invalid(status: status, problem)
        case 429:
            throw TallyClientError.rateLimited(
                retryAfter: response.headerFields[.retryAfter].flatMap(RetryMiddleware.parseRetryAfter), problem)
        case 500...: throw TallyClientError.server(status: status, problem)
        default: throw TallyClientError.unexpected(status: status, problem)
        }
    }
}
