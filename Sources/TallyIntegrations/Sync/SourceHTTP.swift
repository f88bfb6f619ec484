import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP round trip every source client makes: JSON in and out, a minimum spacing between
/// requests (Toggl's leaky bucket tolerates about one a second), and a count of requests made.
public final class SourceHTTP: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers.first(name: name) }
    }

    let httpClient: HTTPClient
    let pacer: RequestPacer
    let timeout: TimeAmount
    private let counter = RequestCounter()

    public init(httpClient: HTTPClient, minimumInterval: Duration, timeout: TimeAmount = .seconds(30)) {
        self.httpClient = httpClient
        self.pacer = RequestPacer(minimumInterval: minimumInterval)
        self.timeout = timeout
    }

    /// Requests sent so far by this instance.
    public var requestsMade: Int {
        get async { await counter.value }
    }

    /// The URL's path alone: queries can carry identifiers that have no place in a progress line.
    static func path(of url: String) -> String {
        let withoutQuery = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        guard let schemeEnd = withoutQuery.range(of: "://") else { return withoutQuery }
        let rest = withoutQuery[schemeEnd.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }

    /// Sends one request. Transport failures throw; every HTTP status comes back as a Response.
    public func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json body: [UInt8]? = nil,
        maxBodyBytes: Int = 64 << 20
    ) async throws -> Response {
        await pacer.waitTurn()
        let number = await counter.increment()
        SyncProgress.report(.request(number: number, method: method.rawValue, path: Self.path(of: url)))
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tally")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await httpClient.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: maxBodyBytes)
        return Response(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }
}

/// Spaces requests at least `minimumInterval` apart, in the order they ask.
actor RequestPacer {
    let minimumInterval: Duration
    private var next = ContinuousClock.now

    init(minimumInterval: Duration) {
        self.minimumInterval = minimumInterval
    }

    func waitTurn() async {
        let now = ContinuousClock.now
        let slot = max(now, next)
        next = slot + minimumInterval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}

actor RequestCounter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
