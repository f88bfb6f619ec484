import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Clockify's API v1 as a real HTTP server on 127.0.0.1, for tests of the client, the sync and
/// the `tally` binary (`fake.apiURL`). It keeps the quirks Tally must cope with: `start`/`end`
/// read as wall-clock time in the account's zone, paging with `Last-Page`, 429 without
/// `Retry-After`, 404 when stopping with no timer running.
public final class FakeClockify: Sendable {
    public static let defaultAPIKey = "fake-clockify-key-6f1d2c3b4a"

    public let port: Int
    public let apiKey: String
    public let workspaceID: String
    public let userID: String
    let state: Mutex<FakeClockifyState>

    private init(port: Int, apiKey: String, workspaceID: String, userID: String, state: FakeClockifyState) {
        self.port = port
        self.apiKey = apiKey
        self.workspaceID = workspaceID
        self.userID = userID
        self.state = Mutex(state)
    }

    /// What a client takes as its base URL (Clockify's `https://api.clockify.me/api/v1`).
    public var apiURL: String { "http://127.0.0.1:\(port)/api/v1" }

    // MARK: - Account and limits

    /// The account's `settings.timeZone`, in which `start`/`end` query values are read.
    public var accountTimeZone: String {
        get { state.withLock { $0.timeZone } }
        set { state.withLock { $0.timeZone = newValue } }
    }

    /// Requests allowed in any hour (Free workspaces: 30); nil for no limit. Over it: 429.
    public var hourlyRequestLimit: Int? {
        get { state.withLock { $0.hourlyRequestLimit } }
        set { state.withLock { $0.hourlyRequestLimit = newValue } }
    }

    /// The largest `page-size` accepted; larger ones get 400.
    public var maximumPageSize: Int {
        get { state.withLock { $0.maximumPageSize } }
        set { state.withLock { $0.maximumPageSize = newValue } }
    }

    /// Starts a new hour for the hourly limit.
    public func resetRateLimit() {
        state.withLock { $0.countedRequests.removeAll() }
    }

    /// The next `count` requests (to paths ending in `path`, when given) answer `status` (429, 5xx).
    public func failNext(_ count: Int = 1, status: Int, path: String? = nil) {
        state.withLock { $0.injected += Array(repeating: (status, path), count: count) }
    }

    // MARK: - Data

    @discardableResult
    public func addProject(_ name: String, archived: Bool = false, clientName: String? = nil) -> String {
        state.withLock { state in
            let id = state.newID()
            state.projects.append(Project(id: id, name: name, archived: archived, clientName: clientName))
            return id
        }
    }

    public func renameProject(_ id: String, to name: String) {
        state.withLock { state in
            if let index = state.projects.firstIndex(where: { $0.id == id }) { state.projects[index].name = name }
        }
    }

    public func deleteProject(_ id: String) {
        state.withLock { $0.projects.removeAll { $0.id == id } }
    }

    @discardableResult
    public func addTag(_ name: String, archived: Bool = false) -> String {
        state.withLock { state in
            let id = state.newID()
            state.tags.append(Tag(id: id, name: name, archived: archived))
            return id
        }
    }

    public func deleteTag(_ id: String) {
        state.withLock { $0.tags.removeAll { $0.id == id } }
    }

    public var projects: [Project] { state.withLock { $0.projects } }
    public var tags: [Tag] { state.withLock { $0.tags } }

    /// Adds an entry of the account's user (or `userID`). Without `end` it is a running timer, and
    /// as in Clockify it stops the user's running one.
    @discardableResult
    public func addEntry(
        _ description: String = "", start: Date, end: Date?, projectID: String? = nil, tagIDs: [String] = [],
        billable: Bool = false, userID: String? = nil
    ) -> String {
        state.withLock { state in
            let entry = TimeEntry(
                id: state.newID(), userID: userID ?? self.userID, description: description, projectID: projectID,
                tagIDs: tagIDs, billable: billable, start: start, end: end)
            state.insert(entry)
            return entry.id
        }
    }

    public func editEntry(_ id: String, _ change: (inout TimeEntry) -> Void) {
        state.withLock { state in
            guard var entry = state.entries[id] else { return }
            change(&entry)
            entry.id = id
            state.entries[id] = entry
        }
    }

    /// Removes an entry; Clockify's listing then simply no longer has it.
    @discardableResult
    public func deleteEntry(_ id: String) -> TimeEntry? {
        state.withLock { $0.entries.removeValue(forKey: id) }
    }

    public func entry(_ id: String) -> TimeEntry? {
        state.withLock { $0.entries[id] }
    }

    /// Every entry, newest first.
    public var entries: [TimeEntry] {
        state.withLock { $0.sorted($0.entries.values) }
    }

    public var runningEntry: TimeEntry? {
        state.withLock { $0.running(for: userID) }
    }

    /// Stops the account user's running timer, as the Clockify app would; nil when none runs.
    @discardableResult
    public func stopRunningEntry(at end: Date = Date()) -> TimeEntry? {
        state.withLock { state in
            guard var running = state.running(for: userID) else { return nil }
            running.end = max(end, running.start)
            state.entries[running.id] = running
            return running
        }
    }

    // MARK: - Request log

    public var requests: [LoggedRequest] { state.withLock { $0.log } }

    /// Requests with this method and a path ending in `path` (both optional).
    public func requestCount(_ method: String? = nil, path: String? = nil) -> Int {
        requests.filter { request in
            (method == nil || request.method == method) && (path.map { request.path.hasSuffix($0) } ?? true)
        }.count
    }

    public func clearRequests() {
        state.withLock { $0.log.removeAll() }
    }

    // MARK: - JSON

    /// The entry as the API and webhook deliveries write it; `hydrated` embeds project and tags.
    public func json(of entry: TimeEntry, hydrated: Bool) -> [UInt8] {
        state.withLock { state in
            FakeClockifyJSON.data(
                FakeClockifyJSON.entry(entry, workspaceID: workspaceID, hydrated: hydrated, projects: state.projects, tags: state.tags))
        }
    }

    fileprivate func handle(_ request: FakeClockifyRequest) -> FakeClockifyAnswer {
        let api = FakeClockifyAPI(apiKey: apiKey, workspaceID: workspaceID, userID: userID)
        let now = Date()
        return state.withLock { state in
            let answer = api.answer(request, state: &state, now: now)
            state.log.append(LoggedRequest(method: request.method, path: request.path, query: request.query, status: answer.status, at: now))
            return answer
        }
    }

    // MARK: - Running

    /// Runs the fake on 127.0.0.1 with a free port for the duration of `body`.
    public static func run(
        apiKey: String = defaultAPIKey, timeZone: String = "Europe/Amsterdam", hourlyRequestLimit: Int? = nil,
        _ body: (FakeClockify) async throws -> Void
    ) async throws {
        let logger = Logger(label: "fake-clockify") { _ in SwiftLogNoOpLogHandler() }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let box = Mutex<FakeClockify?>(nil)
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            guard let fake = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let prefix = "/api/v1"
            let path = request.uri.path
            guard path.hasPrefix(prefix) else {
                return Response(status: .notFound)
            }
            let answer = fake.handle(
                FakeClockifyRequest(
                    method: request.method.rawValue, path: String(path.dropFirst(prefix.count)),
                    query: Self.query(request.uri.query), apiKey: HTTPField.Name("X-Api-Key").flatMap { request.headers[$0] },
                    body: Array(buffer: bytes)))
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        router.get("**", use: respond)
        router.post("**", use: respond)
        router.patch("**", use: respond)
        router.put("**", use: respond)
        router.delete("**", use: respond)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ReceiverTimeout("the fake Clockify did not start") }
            var seed = FakeClockifyState(timeZone: timeZone, hourlyRequestLimit: hourlyRequestLimit)
            let fake = FakeClockify(port: port, apiKey: apiKey, workspaceID: seed.newID(), userID: seed.newID(), state: seed)
            box.withLock { $0 = fake }
            do {
                try await body(fake)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static func query(_ text: String?) -> [String: String] {
        var query: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            query[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return query
    }
}
