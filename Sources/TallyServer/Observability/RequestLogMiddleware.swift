import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TallyCore

/// The outermost middleware: gives each request an id (returned as `X-Request-Id`), writes one
/// structured log line per request and records its metrics. Never logs headers or bodies, so
/// keys and secrets stay out of the log.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let metrics: ServerMetrics
    var trustedProxies: TrustedProxies = .none

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.requestID(from: request.headers[.requestID])
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        if trustedProxies != .none {
            let forwarded = request.headers[values: .init("X-Forwarded-For")!]
            if !forwarded.isEmpty {
                context.forwardedClientAddress = trustedProxies.clientAddress(
                    peer: context.remoteAddress, forwardedFor: forwarded)
            }
        }
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        let duration = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(
            method: request.method.rawValue, route: route, status: Int(response.status.code), duration: duration)
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(duration)),
        ]
        if let key = context.apiKey { metadata["api_key_id"] = .string(key.id) }
        context.logger.info("request", metadata: metadata)
        return response
    }

    /// Milliseconds with two decimals (`12.34`), without Foundation's formatter.
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// Keeps a caller's own request id when it is short and plain, so ids can follow a request
    /// across systems; otherwise makes one.
    static func requestID(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") })
        {
            return header
        }
        return Identifier.makeSequenced("req")
    }
}
