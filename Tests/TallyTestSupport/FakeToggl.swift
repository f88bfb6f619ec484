import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Toggl Track's API v9 and Webhooks API v1 as a real HTTP server on 127.0.0.1, behaving as
/// the Toggl reference notes (docs/toggl.md) describe, quirks included. Point a client at `apiURL` and
/// `webhooksURL` with `apiToken`; change the account with the methods below; read `requests`
/// to see what a client spent.
public final class FakeToggl: Sendable {
    public struct User: Sendable, Equatable {
        public var id: Int64
        public var email: String
        public var fullname: String
        public var timezone: String
        public var workspaceID: Int64
        public var organizationID: Int64

        public init(
            id: Int64 = 9_547_721, email: String = "ada@example.com", fullname: String = "Ada Lovelace",
            timezone: String = "Europe/Amsterdam", workspaceID: Int64 = 7_435_584, organizationID: Int64 = 7_112_233
        ) {
            self.id = id
            self.email = email
            self.fullname = fullname
            self.timezone = timezone
            self.workspaceID = workspaceID
            self.organizationID = organizationID
        }
    }

    /// How `GET /me/time_entries/current` says nothing runs: the spec's 404, or what real
    /// clients see, `null` or `{}`.
    public enum NoCurrentEntry: Sendable, CaseIterable {
        case notFound, null, emptyObject
    }

    public struct Configuration: Sendable {
        public var apiToken: String
        public var user: User
        /// Requests per sliding hour before 402; nil for no quota (and no quota headers).
        public var hourlyQuota: Int?
        public var noCurrentEntry: NoCurrentEntry
        /// Toggl lists newest first; false lists oldest first, to exercise a client's fallback.
        public var listsNewestFirst: Bool
        public var pageLimit: Int
        /// `since` older than this answers 400.
        public var maximumSinceAge: TimeInterval
        /// Subscriptions per workspace (Toggl Free: 1).
        public var subscriptionLimit: Int
        /// Pause between a subscription's creation and its validation ping.
        public var validationPingDelay: Duration
        /// The validation code for a new subscription id; random unless a test needs to know it.
        public var makeValidationCode: @Sendable (_ subscriptionID: Int64) -> String

        public init(
            apiToken: String = "fake-toggl-token-0123456789abcdef", user: User = User(), hourlyQuota: Int? = nil,
            noCurrentEntry: NoCurrentEntry = .notFound, listsNewestFirst: Bool = true, pageLimit: Int = 1000,
            maximumSinceAge: TimeInterval = 90 * 86_400, subscriptionLimit: Int = 1,
            validationPingDelay: Duration = .milliseconds(50),
            makeValidationCode: @escaping @Sendable (_ subscriptionID: Int64) -> String = { _ in UUID().uuidString.lowercased() }
        ) {
            self.apiToken = apiToken
            self.user = user
            self.hourlyQuota = hourlyQuota
            self.noCurrentEntry = noCurrentEntry
            self.listsNewestFirst = listsNewestFirst
            self.pageLimit = pageLimit
            self.maximumSinceAge = maximumSinceAge
            self.subscriptionLimit = subscriptionLimit
            self.validationPingDelay = validationPingDelay
            self.makeValidationCode = makeValidationCode
        }
    }

    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var workspaceID: Int64
        public var projectID: Int64?
        public var description: String
        public var tags: [String]
        public var start: Date
        public var stop: Date?
        /// Seconds once stopped; negative while running (-1, or minus the start epoch).
        public var duration: Int64
        public var billable: Bool
        public var at: Date
        public var deletedAt: Date?

        /// An entry the fake does not hold, for `deliver` to describe changes it never saw.
        public init(
            id: Int64, workspaceID: Int64, projectID: Int64? = nil, description: String, tags: [String] = [], start: Date,
            stop: Date?, duration: Int64? = nil, billable: Bool = false, at: Date = Date(), deletedAt: Date? = nil
        ) {
            self.id = id
            self.workspaceID = workspaceID
            self.projectID = projectID
            self.description = description
            self.tags = tags
            self.start = start
            self.stop = stop
            self.duration = duration ?? stop.map { Int64($0.timeIntervalSince(start)) } ?? -1
            self.billable = billable
            self.at = at
            self.deletedAt = deletedAt
        }

        public var isRunning: Bool { stop == nil }
    }

    public struct Project: Sendable, Equatable {
        public var id: Int64
        public var workspaceID: Int64
        public var name: String
        public var color: String
        public var active: Bool
    }

    public struct Tag: Sendable, Equatable {
        public var id: Int64
        public var workspaceID: Int64
        public var name: String
    }

    public struct LoggedRequest: Sendable, Equatable {
        public var method: String
        /// The full path, e.g. `/api/v9/me/time_entries`.
        public var path: String
        /// The path below the API's base: `/me/time_entries`, `/subscriptions/7435584`.
        public var endpoint: String
        public var query: [String: String]
        public var status: Int
    }

    let configuration: Configuration
    let state: Mutex<FakeTogglState>
    let pings: AsyncStream<Int64>.Continuation
    public let port: Int

    init(configuration: Configuration, port: Int, pings: AsyncStream<Int64>.Continuation) {
        self.configuration = configuration
        self.port = port
        self.pings = pings
        state = Mutex(FakeTogglState(configuration: configuration))
    }

    public static let apiPath = "/api/v9"
    public static let webhooksPath = "/webhooks/api/v1"

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var apiURL: String { baseURL + Self.apiPath }
    public var webhooksURL: String { baseURL + Self.webhooksPath }
    public var apiToken: String { configuration.apiToken }
    public var user: User { configuration.user }
    public var workspaceID: Int64 { configuration.user.workspaceID }

    /// Starts the fake, runs `body` with it, and stops it.
    public static func run(
        _ configuration: Configuration = Configuration(), _ body: (FakeToggl) async throws -> Void
    ) async throws {
        let logger = Logger(label: "fake-toggl") { _ in SwiftLogNoOpLogHandler() }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let (pingRequests, pingContinuation) = AsyncStream<Int64>.makeStream()
        let box = Mutex<FakeToggl?>(nil)
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("**", method: method) { request, _ -> Response in
                guard let fake = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
                return try await fake.respond(to: request)
            }
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ReceiverTimeout("the fake Toggl did not start") }
            let fake = FakeToggl(configuration: configuration, port: port, pings: pingContinuation)
            box.withLock { $0 = fake }
            group.addTask {
                for await subscriptionID in pingRequests {
                    try? await Task.sleep(for: configuration.validationPingDelay)
                    await fake.sendValidationPing(subscriptionID)
                }
            }
            do {
                try await body(fake)
            } catch {
                pingContinuation.finish()
                await services.triggerGracefulShutdown()
                throw error
            }
            pingContinuation.finish()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
