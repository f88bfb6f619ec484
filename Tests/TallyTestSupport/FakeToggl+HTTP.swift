import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One request as the fake's state sees it.
struct FakeTogglRequest {
    enum API { case rest, webhooks, none }

    var method: String
    var api: API
    var path: String
    var endpoint: String
    var query: [String: String]
    var body: [UInt8]
    var authorized: Bool
    var now: Date
}

struct FakeTogglAnswer {
    var status: Int
    var body: [UInt8]
    var headers: [(String, String)] = []
    /// A subscription that should get its validation ping once this answer is out.
    var pingSubscription: Int64?

    static func json(_ value: Any, status: Int = 200) -> FakeTogglAnswer {
        FakeTogglAnswer(status: status, body: FakeTogglJSON.bytes(value))
    }

    /// Toggl's error bodies are mostly a bare JSON string.
    static func error(_ status: Int, _ message: String) -> FakeTogglAnswer {
        FakeTogglAnswer(status: status, body: FakeTogglJSON.bytes(message))
    }
}

extension FakeToggl {
    var expectedAuthorization: String {
        "Basic " + Data("\(configuration.apiToken):api_token".utf8).base64EncodedString()
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 4 << 20)
        let path = request.uri.path
        let (api, endpoint): (FakeTogglRequest.API, String) =
            if path.hasPrefix(Self.apiPath + "/") {
                (.rest, String(path.dropFirst(Self.apiPath.count)))
            } else if path.hasPrefix(Self.webhooksPath + "/") {
                (.webhooks, String(path.dropFirst(Self.webhooksPath.count)))
            } else {
                (.none, path)
            }
        let incoming = FakeTogglRequest(
            method: request.method.rawValue, api: api, path: path, endpoint: endpoint,
            query: Self.formDecoded(request.uri.query), body: Array(buffer: body),
            authorized: request.headers[.authorization] == expectedAuthorization, now: Date())
        let answer = state.withLock { $0.handle(incoming) }
        if let subscriptionID = answer.pingSubscription { pings.yield(subscriptionID) }
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Query values as a Go server reads them: `+` is a space, then percent-decoding.
    static func formDecoded(_ query: String?) -> [String: String] {
        guard let query else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let name = parts.first else { continue }
            result[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}

extension FakeTogglState {
    /// Logs the request, then answers it: injected failure, auth, quota, route, in that order.
    mutating func handle(_ request: FakeTogglRequest) -> FakeTogglAnswer {
        let answer = answer(request)
        log.append(
            FakeToggl.LoggedRequest(
                method: request.method, path: request.path, endpoint: request.endpoint, query: request.query,
                status: answer.status))
        return answer
    }

    private mutating func answer(_ request: FakeTogglRequest) -> FakeTogglAnswer {
        if let index = failures.firstIndex(where: { $0.endpoint == nil || $0.endpoint == request.endpoint }) {
            let failure = failures.remove(at: index)
            return failure.status == 429
                ? .error(429, "Too Many Requests") : .error(failure.status, "Something went wrong on our side")
        }
        guard request.api != .none else { return .error(404, "Not Found") }
        guard request.authorized else { return .error(403, "Incorrect username and/or password") }
        var quotaHeaders: [(String, String)] = []
        if let quota = hourlyQuota {
            quotaUses.removeAll { request.now.timeIntervalSince($0) >= quotaWindow }
            guard quotaUses.count < quota else {
                var refused = FakeTogglAnswer.error(
                    402, "You have hit your hourly limit for API calls. Please wait before making more requests.")
                refused.headers = [
                    ("X-Toggl-Quota-Remaining", "0"), ("X-Toggl-Quota-Resets-In", String(resetsIn(request.now))),
                ]
                return refused
            }
            quotaUses.append(request.now)
            quotaHeaders = [
                ("X-Toggl-Quota-Remaining", String(quota - quotaUses.count)),
                ("X-Toggl-Quota-Resets-In", String(resetsIn(request.now))),
            ]
        }
        var answer = recordedAnswer(request) ?? (request.api == .rest ? restAnswer(request) : webhooksAnswer(request))
        answer.headers += quotaHeaders
        return answer
    }

    /// Seconds until the oldest counted request leaves the sliding hour.
    func resetsIn(_ now: Date) -> Int {
        guard let oldest = quotaUses.first else { return Int(quotaWindow) }
        return max(1, Int((oldest.timeIntervalSince(now) + quotaWindow).rounded(.up)))
    }

    /// The wildcards of `pattern` (`*` segments) in `endpoint`, or nil when it does not match.
    func match(_ endpoint: String, _ pattern: String) -> [String]? {
        let parts = endpoint.split(separator: "/", omittingEmptySubsequences: true)
        let wanted = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == wanted.count else { return nil }
        var captured: [String] = []
        for (part, want) in zip(parts, wanted) {
            if want == "*" {
                captured.append(String(part))
            } else if part != want {
                return nil
            }
        }
        return captured
    }
}
