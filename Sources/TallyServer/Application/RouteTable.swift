import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The routes the API registers, kept so an unmatched method can be answered with 405 and `Allow`.
struct RouteTable: Sendable {
    private(set) var routes: [(segments: [Substring], method: String)] = []

    mutating func add(path: String, method: HTTPRequest.Method) {
        routes.append((path.split(separator: "/"), method.rawValue))
    }

    /// The methods of the routes this path matches. A literal segment wins over a parameter, as
    /// in the router: `/v1/imports/apple-health` is not `/v1/imports/{id}`.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        var best: (literals: Int, methods: [String]) = (-1, [])
        for route in routes where route.segments.count == segments.count {
            var literals = 0
            let matches = zip(route.segments, segments).allSatisfy { pattern, segment in
                if pattern.hasPrefix(":") || pattern.hasPrefix("{") { return true }
                literals += 1
                return pattern == segment
            }
            guard matches else { continue }
            if literals > best.literals { best = (literals, []) }
            if literals == best.literals, !best.methods.contains(route.method) { best.methods.append(route.method) }
        }
        return best.methods
    }
}

/// The route table, filled once the routes are registered (after the middleware that reads it).
final class RouteTableBox: @unchecked Sendable {
    /// Written once while the router is built, before the server accepts requests.
    var table = RouteTable()

    func methods(forPath path: String) -> [String] { table.methods(forPath: path) }
}

/// Registers the generated handlers on the router and records each route in a `RouteTable`.
final class RecordingTransport: ServerTransport {
    let router: Router<TallyRequestContext>
    var table = RouteTable()

    init(router: Router<TallyRequestContext>) {
        self.router = router
    }

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
            HTTPResponse, HTTPBody?
        ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        table.add(path: path, method: method)
        router.register(
            { request, body, metadata in
                try NullFieldCheck.check(method: method.rawValue, path: path)
                var (response, responseBody) = try await handler(request, body, metadata)
                // The generated code percent-encodes header values; a Location is a plain path.
                if let location = response.headerFields[.location] {
                    response.headerFields[.location] = location.removingPercentEncoding ?? location
                }
                return (response, responseBody)
            }, method: method, path: path)
    }
}
