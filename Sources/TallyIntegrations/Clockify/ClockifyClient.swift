import Foundation
import NIOHTTP1

/// Clockify's REST API v1, the calls Tally makes. Every request goes through `SourceHTTP`, which
/// paces and counts them; this type adds the key, paging, backoff and typed errors.
public struct ClockifyClient: Sendable {
    public static let defaultAPIBaseURL = "https://api.clockify.me/api/v1"
    /// The largest page Tally asks for: a week of anyone's entries fits in one request, which
    /// matters with 30 requests an hour on Free workspaces.
    public static let defaultPageSize = 1000

    public let apiBaseURL: String
    public let pageSize: Int
    public let retryPolicy: ClockifyRetryPolicy
    let apiKey: String
    let http: SourceHTTP

    /// `apiBaseURL` differs for regional accounts (`https://euc1.clockify.me/api/v1` and others).
    public init(
        apiBaseURL: String = Self.defaultAPIBaseURL, apiKey: String, http: SourceHTTP, pageSize: Int = Self.defaultPageSize,
        retryPolicy: ClockifyRetryPolicy = .standard
    ) {
        var base = apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base
        self.apiKey = apiKey
        self.http = http
        self.pageSize = max(1, pageSize)
        self.retryPolicy = retryPolicy
    }

    /// Requests sent through this client's `SourceHTTP` so far.
    public var requestsMade: Int {
        get async { await http.requestsMade }
    }

    public func user() async throws -> ClockifyUser {
        try decode(ClockifyUser.self, from: await send(.GET, ["user"]), "the user")
    }

    /// Every entry of the user whose start lies in `start...end` (both UTC instants), running ones
    /// included, newest first. `accountTimeZone` is the user's `settings.timeZone`: the query is
    /// written in it and the answer filtered back to the exact window.
    public func timeEntries(
        workspaceID: String, userID: String, start: Date, end: Date, accountTimeZone: String?
    ) async throws -> [ClockifyTimeEntry] {
        let window = DateInterval(start: min(start, end), end: max(start, end))
        let query = ClockifyQueryWindow(covering: window, accountTimeZone: accountTimeZone)
        let listed: [ClockifyTimeEntry] = try await pages(
            ["workspaces", workspaceID, "user", userID, "time-entries"], query: [("start", query.start), ("end", query.end)],
            "time entries")
        // Offset paging over a list that changes while it is read can show an entry twice.
        var seen = Set<String>()
        return listed.filter { window.contains($0.start) && seen.insert($0.id).inserted }
    }

    /// The running entry, nil when no timer runs.
    public func inProgressEntry(workspaceID: String, userID: String) async throws -> ClockifyTimeEntry? {
        let response = try await send(
            .GET, ["workspaces", workspaceID, "user", userID, "time-entries"], query: [("in-progress", "true"), ("page-size", "1")])
        return try decode([ClockifyTimeEntry].self, from: response, "the running entry").first { $0.isRunning }
    }

    /// One entry by id; nil when Clockify no longer has it (404).
    public func timeEntry(workspaceID: String, id: String) async throws -> ClockifyTimeEntry? {
        let response = try await send(.GET, ["workspaces", workspaceID, "time-entries", id], notFoundIsAnswer: true)
        if response.status == 404 { return nil }
        return try decode(ClockifyTimeEntry.self, from: response, "the time entry")
    }

    /// All projects, archived ones included: old entries still refer to them.
    public func projects(workspaceID: String) async throws -> [ClockifyProject] {
        try await pages(["workspaces", workspaceID, "projects"], query: [], "projects")
    }

    public func tags(workspaceID: String) async throws -> [ClockifyTag] {
        try await pages(["workspaces", workspaceID, "tags"], query: [], "tags")
    }

    /// Starts a timer (an entry without `end`). Clockify stops a running timer itself.
    public func startTimer(
        workspaceID: String, start: Date, description: String, projectID: String?, tagIDs: [String]
    ) async throws -> ClockifyTimeEntry {
        let body = ClockifyNewTimer(start: ClockifyTimestamp.utc(start), description: description, projectId: projectID, tagIds: tagIDs)
        let response = try await send(.POST, ["workspaces", workspaceID, "time-entries"], body: try encode(body))
        return try decode(ClockifyTimeEntry.self, from: response, "the started timer")
    }

    /// Stops the running timer at `end`; nil when none runs (Clockify answers 404).
    public func stopTimer(workspaceID: String, userID: String, end: Date) async throws -> ClockifyTimeEntry? {
        let response = try await send(
            .PATCH, ["workspaces", workspaceID, "user", userID, "time-entries"],
            body: try encode(ClockifyStopTimer(end: ClockifyTimestamp.utc(end))), notFoundIsAnswer: true)
        if response.status == 404 { return nil }
        return try decode(ClockifyTimeEntry.self, from: response, "the stopped timer")
    }

    // MARK: - Requests

    /// Reads every page: `page`/`page-size` until `Last-Page: true` or a short page.
    func pages<Item: Decodable>(_ path: [String], query: [(String, String)], _ what: String) async throws -> [Item] {
        var items: [Item] = []
        // Far beyond any real account; only a server that ignores `page` gets here.
        let pageLimit = 10_000
        for page in 1...pageLimit {
            let response = try await send(.GET, path, query: query + [("page", String(page)), ("page-size", String(pageSize))])
            let batch = try decode([Item].self, from: response, what)
            items += batch
            let lastPage = response.header("Last-Page")?.lowercased() == "true"
            if lastPage || batch.count < pageSize { return items }
        }
        throw ClockifyError(.unexpectedResponse("\(what) did not end after \(pageLimit) pages"))
    }

    /// One call, with the 429 backoff and the 5xx retry. Every HTTP failure becomes a `ClockifyError`.
    func send(
        _ method: HTTPMethod, _ path: [String], query: [(String, String)] = [], body: [UInt8]? = nil,
        notFoundIsAnswer: Bool = false
    ) async throws -> SourceHTTP.Response {
        let url = self.url(path, query: query)
        var rateLimitRetries = 0
        var retriedServerError = false
        while true {
            let response: SourceHTTP.Response
            do {
                response = try await http.send(method, url, headers: [("X-Api-Key", apiKey)], json: body)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw ClockifyError(.transport(ClockifyError.oneLine("\(host): \(error)", hiding: apiKey)))
            }
            switch response.status {
            case 200..<300:
                return response
            case 404 where notFoundIsAnswer:
                return response
            case 401, 403:
                throw ClockifyError(.invalidKey(status: response.status))
            case 404:
                throw ClockifyError(.notFound(ClockifyError.oneLine("\(method.rawValue) /\(path.joined(separator: "/"))", hiding: apiKey)))
            case 429:
                guard rateLimitRetries < retryPolicy.rateLimitBackoff.count else {
                    let cooldown = ClockifyRetryPolicy.seconds(retryPolicy.rateLimitCooldown)
                    throw ClockifyError(.rateLimited, waitUntil: Date().addingTimeInterval(cooldown))
                }
                try await Task.sleep(for: retryPolicy.rateLimitBackoff[rateLimitRetries])
                rateLimitRetries += 1
            // A POST that failed on the server may still have created the entry: not repeated.
            case 500...599 where !retriedServerError && method != .POST:
                retriedServerError = true
                try await Task.sleep(for: retryPolicy.randomServerErrorDelay())
            case 500...599:
                throw ClockifyError(.server(status: response.status))
            default:
                throw ClockifyError(.badRequest(status: response.status, message: message(in: response)))
            }
        }
    }

    private var host: String {
        URL(string: apiBaseURL)?.host ?? apiBaseURL
    }

    func url(_ path: [String], query: [(String, String)]) -> String {
        var segmentAllowed = CharacterSet.urlPathAllowed
        segmentAllowed.remove("/")
        var queryAllowed = CharacterSet.urlQueryAllowed
        queryAllowed.remove(charactersIn: "&=+;")
        func escape(_ text: String, _ allowed: CharacterSet) -> String {
            text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }
        var url = apiBaseURL + "/" + path.map { escape($0, segmentAllowed) }.joined(separator: "/")
        if !query.isEmpty {
            url += "?" + query.map { "\(escape($0.0, queryAllowed))=\(escape($0.1, queryAllowed))" }.joined(separator: "&")
        }
        return url
    }

    private func message(in response: SourceHTTP.Response) -> String {
        let text = (try? JSONDecoder().decode(ClockifyErrorBody.self, from: Data(response.body)))?.message
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        let line = ClockifyError.oneLine(text, hiding: apiKey)
        return line.isEmpty ? "no reason given" : line
    }

    private func decode<T: Decodable>(_ type: T.Type, from response: SourceHTTP.Response, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw ClockifyError(.unexpectedResponse(ClockifyError.oneLine("\(what): \(ClockifyError.summary(of: error))", hiding: apiKey)))
        }
    }

    private func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

// The key must not reach logs through `print(client)` or `dump(client)`.
extension ClockifyClient: CustomStringConvertible, CustomReflectable {
    public var description: String { "ClockifyClient(\(apiBaseURL))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["apiBaseURL": apiBaseURL, "pageSize": pageSize], displayStyle: .struct)
    }
}
