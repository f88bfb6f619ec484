import Foundation
import NIOHTTP1
import Synchronization
import TallyCore

/// Toggl Track's API v9 and Webhooks API v1, as far as Tally uses them. Every request goes
/// through one `SourceHTTP`, so pacing and request counts cover all of them. Methods throw
/// `TogglError` (or `CancellationError` when the task is cancelled during a retry pause).
public final class TogglClient: Sendable {
    public static let defaultAPIBaseURL = "https://api.track.toggl.com/api/v9"
    public static let defaultWebhooksBaseURL = "https://api.track.toggl.com/webhooks/api/v1"

    public let apiBaseURL: String
    public let webhooksBaseURL: String
    let http: SourceHTTP
    let retry: TogglRetryPolicy
    let token: String
    let authorization: String
    let seenQuota = Mutex<SourceQuota?>(nil)

    public init(
        apiBaseURL: String = TogglClient.defaultAPIBaseURL, webhooksBaseURL: String = TogglClient.defaultWebhooksBaseURL,
        apiToken: String, http: SourceHTTP, retry: TogglRetryPolicy = .standard
    ) {
        self.apiBaseURL = Self.trimmingSlash(apiBaseURL)
        self.webhooksBaseURL = Self.trimmingSlash(webhooksBaseURL)
        self.token = apiToken
        self.authorization = "Basic " + Data("\(apiToken):api_token".utf8).base64EncodedString()
        self.http = http
        self.retry = retry
    }

    /// The quota headers of the latest response that carried them.
    public var lastQuota: SourceQuota? { seenQuota.withLock { $0 } }

    public func me() async throws -> TogglUser {
        try await get(TogglUser.self, api("/me"))
    }

    /// Entries whose start lies in [startDate, endDate), newest first, at most 1000 (not paged).
    public func timeEntries(startDate: Date, endDate: Date) async throws -> [TogglTimeEntry] {
        let query = [("start_date", TogglTimestamp.queryText(startDate)), ("end_date", TogglTimestamp.queryText(endDate))]
        return try await list(TogglTimeEntry.self, api("/me/time_entries", query: query))
    }

    /// Entries created, changed or deleted since `since`; deleted ones carry `serverDeletedAt`.
    public func timeEntries(since: Date) async throws -> [TogglTimeEntry] {
        let seconds = Int64(since.timeIntervalSince1970.rounded(.down))
        return try await list(TogglTimeEntry.self, api("/me/time_entries", query: [("since", String(seconds))]))
    }

    /// The running entry, or nil: Toggl says "nothing runs" with a 404, `null` or `{}`.
    public func currentTimeEntry() async throws -> TogglTimeEntry? {
        let url = api("/me/time_entries/current")
        let response: SourceHTTP.Response
        do {
            response = try await send(.GET, url)
        } catch let error as TogglError where error.reason == .notFound {
            return nil
        }
        let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        if text.isEmpty || json is NSNull || (json as? [String: Any])?.isEmpty == true { return nil }
        return try decode(TogglTimeEntry.self, response, from: url)
    }

    /// Starts a timer (`duration: -1`); Toggl stops one that was running.
    public func startTimeEntry(
        workspaceID: Int64, description: String, projectID: Int64?, tags: [String], start: Date
    ) async throws -> TogglTimeEntry {
        let body = TogglStartRequest(
            createdWith: "Tally", workspaceID: workspaceID, start: TogglTimestamp.queryText(start), duration: -1,
            description: description, projectID: projectID, tags: tags, billable: false)
        let url = api("/workspaces/\(workspaceID)/time_entries")
        // Not retried on a 5xx: the entry may exist already, and a second POST would add another.
        let response = try await send(.POST, url, body: try encode(body), retriesServerErrors: false)
        return try decode(TogglTimeEntry.self, response, from: url)
    }

    public func stopTimeEntry(workspaceID: Int64, id: Int64) async throws -> TogglTimeEntry {
        let url = api("/workspaces/\(workspaceID)/time_entries/\(id)/stop")
        do {
            let response = try await send(.PATCH, url)
            return try decode(TogglTimeEntry.self, response, from: url)
        } catch var error as TogglError {
            if case .badRequest(409, _) = error.reason { error.reason = .alreadyStopped }
            throw error
        }
    }

    /// The user's projects, archived ones included so old entries still resolve their names.
    public func projects() async throws -> [TogglProject] {
        try await list(TogglProject.self, api("/me/projects", query: [("include_archived", "true")]))
    }

    public func tags() async throws -> [TogglTag] {
        try await list(TogglTag.self, api("/me/tags"))
    }

    public func quota() async throws -> [TogglQuota] {
        try await list(TogglQuota.self, api("/me/quota"))
    }

    /// Subscribes `url` to every time-entry event of the workspace. Toggl then sends a
    /// validation ping there; nothing is delivered until it is answered.
    public func createSubscription(workspaceID: Int64, url: String, secret: String, description: String) async throws
        -> TogglSubscription
    {
        let body = TogglSubscriptionRequest(
            urlCallback: url, eventFilters: [.init(entity: "time_entry", action: "*")], enabled: true,
            description: description, secret: secret)
        let endpoint = webhooks("/subscriptions/\(workspaceID)")
        let response = try await send(.POST, endpoint, body: try encode(body), retriesServerErrors: false)
        return try decode(TogglSubscription.self, response, from: endpoint)
    }

    /// Asks Toggl to ping the subscription again: for one whose first validation ping was missed.
    public func ping(workspaceID: Int64, subscriptionID: Int64) async throws {
        _ = try await send(.POST, webhooks("/ping/\(workspaceID)/\(subscriptionID)"), retriesServerErrors: false)
    }

    public func subscriptions(workspaceID: Int64) async throws -> [TogglSubscription] {
        try await list(TogglSubscription.self, webhooks("/subscriptions/\(workspaceID)"))
    }

    // MARK: URLs and bodies

    func api(_ path: String, query: [(String, String)] = []) -> String {
        apiBaseURL + path + Self.queryString(query)
    }

    func webhooks(_ path: String) -> String {
        webhooksBaseURL + path
    }

    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return "?" + items.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    static func trimmingSlash(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    func encode(_ value: some Encodable) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw TogglError(.unexpectedResponse("cannot encode the request: \(error)"))
        }
    }

    func get<Value: Decodable>(_ type: Value.Type, _ url: String) async throws -> Value {
        try decode(type, try await send(.GET, url), from: url)
    }

    /// Toggl answers an empty list with `null` on some endpoints.
    func list<Value: Decodable>(_ type: Value.Type, _ url: String) async throws -> [Value] {
        try decode([Value]?.self, try await send(.GET, url), from: url) ?? []
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ response: SourceHTTP.Response, from url: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            let what = Self.describe(error)
            throw TogglError(.unexpectedResponse("\(endpoint(url)): \(TogglError.oneLine(what, hiding: token))"))
        }
    }

    /// The path of a request without base URL or query, for messages.
    func endpoint(_ url: String) -> String {
        var path = Substring(url)
        for base in [apiBaseURL, webhooksBaseURL] where path.hasPrefix(base) {
            path = path.dropFirst(base.count)
            break
        }
        return String(path.prefix { $0 != "?" })
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "the body is not JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.isEmpty ? "the body" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "\(path(context)) has no \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        @unknown default: return "the body does not match the API"
        }
    }
}

/// The body of `POST /workspaces/{workspace_id}/time_entries`.
struct TogglStartRequest: Encodable {
    var createdWith: String
    var workspaceID: Int64
    var start: String
    var duration: Int64
    var description: String
    var projectID: Int64?
    var tags: [String]
    var billable: Bool

    enum CodingKeys: String, CodingKey {
        case start, duration, description, tags, billable
        case createdWith = "created_with"
        case workspaceID = "workspace_id"
        case projectID = "project_id"
    }
}
