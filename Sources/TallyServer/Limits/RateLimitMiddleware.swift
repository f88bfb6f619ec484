import Foundation
import HTTPTypes
import Hummingbird

/// Applies the per-key rate limit and puts its headers on every authenticated response, the
/// GitHub-style `X-RateLimit-*` trio and the IETF `RateLimit`/`RateLimit-Policy` pair.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let limiter: RateLimiter
    let metrics: ServerMetrics
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let key = context.apiKey else { return try await next(request, context) }
        let decision = limiter.take(for: key.id, at: now())
        var headers: HTTPFields = [
            .rateLimitLimit: String(decision.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(Int(decision.resetAt.timeIntervalSince1970.rounded(.up))),
            .rateLimitPolicy: "\"default\";q=\(decision.limit);w=\(Int(limiter.window))",
            .rateLimit: "\"default\";r=\(decision.remaining);t=\(decision.secondsToReset)",
        ]
        guard decision.allowed else {
            metrics.recordRateLimited()
            var error = APIError.rateLimited(retryAfter: decision.secondsToReset)
            error.headers.append(contentsOf: headers)
            throw error
        }
        do {
            var response = try await next(request, context)
            response.headers.append(contentsOf: headers)
            return response
        } catch var error as APIError {
            headers.append(contentsOf: error.headers)
            error.headers = headers
            throw error
        } catch {
            var (apiError, _) = ProblemMapping.apiError(for: error)
            guard apiError.status.code < 500 else { throw error }
            apiError.headers.append(contentsOf: headers)
            throw apiError
        }
    }
}
