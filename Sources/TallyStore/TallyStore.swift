import Foundation
import TallyCore

/// Where Tally keeps everything. One protocol, held to one contract test suite, so SQLite and
/// (later) PostgreSQL behave the same. Methods that change data run in one transaction each.
public protocol TallyStore: WebhookStore, TimeEntryStore, SyncStore, AccountStore {
    var kind: DatabaseKind { get }

    /// Answers whether the database can be reached.
    func ping() async throws

    /// Moves on every commit to the database, from any process; nil when the store cannot tell,
    /// and then nothing read from it may be cached.
    var changes: (any ChangeCounter)? { get }

    // MARK: Users
    /// Throws `TallyError.conflict` when the id is taken.
    func createUser(_ user: User) async throws
    func user(id: String) async throws -> User?
    func users(after id: String?, limit: Int) async throws -> [User]
    /// Reads, changes and writes a user in one transaction.
    func updateUser(id: String, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User
    /// Deletes the user with their daily logs and appointments and revokes their API keys.
    /// One `user.deleted` event covers everything that went with the user.
    func deleteUser(id: String, at now: Date) async throws -> Bool

    // Every change below records its event (`daily_log.created`, …) in the same transaction.

    // MARK: Daily logs
    /// Throws `TallyError.conflict` naming the existing log when the user already has one that day.
    func createDailyLog(_ log: DailyLog) async throws
    func dailyLog(id: String) async throws -> DailyLog?
    func dailyLogs(_ query: DailyLogQuery) async throws -> [DailyLog]
    func updateDailyLog(id: String, _ change: @escaping @Sendable (inout DailyLog) throws -> Void) async throws -> DailyLog
    func deleteDailyLog(id: String, at now: Date) async throws -> Bool

    // MARK: Appointments
    func createAppointment(_ appointment: Appointment) async throws
    func appointment(id: String) async throws -> Appointment?
    func appointments(_ query: AppointmentQuery) async throws -> [Appointment]
    func updateAppointment(id: String, _ change: @escaping @Sendable (inout Appointment) throws -> Void) async throws
        -> Appointment
    func deleteAppointment(id: String, at now: Date) async throws -> Bool

    // MARK: API keys
    func createAPIKey(_ key: APIKey) async throws
    func apiKey(id: String) async throws -> APIKey?
    func apiKey(lookup: String) async throws -> APIKey?
    func apiKeys() async throws -> [APIKey]
    func revokeAPIKey(id: String, at now: Date) async throws -> Bool
    func recordAPIKeyUse(id: String, at now: Date) async throws

    // MARK: Idempotency keys
    /// Claims `key` for a request, or says why it cannot be claimed.
    func beginIdempotentRequest(_ request: IdempotentRequest) async throws -> IdempotencyClaim
    /// Stores the response of a claimed request so retries replay it.
    func completeIdempotentRequest(_ request: IdempotentRequest, response: StoredResponse) async throws
    /// Gives up a claim (the request failed) so the client may retry with the same key.
    func releaseIdempotentRequest(_ request: IdempotentRequest) async throws
    func purgeIdempotencyKeys(before cutoff: Date) async throws
}

public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// A page position: the sort value and id of the last item of the previous page. For
/// appointments the sort value is the start in milliseconds since 1970.
public struct PageAfter: Sendable, Equatable {
    public var sortKey: String
    public var id: String

    public init(sortKey: String, id: String) {
        self.sortKey = sortKey
        self.id = id
    }
}

public struct DailyLogQuery: Sendable {
    public var userID: String?
    public var from: LocalDate?
    public var to: LocalDate?
    public var updatedSince: Date?
    public var after: PageAfter?
    public var limit: Int

    public init(
        userID: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, updatedSince: Date? = nil,
        after: PageAfter? = nil, limit: Int = 100
    ) {
        self.userID = userID
        self.from = from
        self.to = to
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}

public struct AppointmentQuery: Sendable {
    public var userID: String?
    public var from: Date?
    /// Exclusive upper bound.
    public var before: Date?
    public var status: AppointmentStatus?
    public var updatedSince: Date?
    public var after: PageAfter?
    public var limit: Int

    public init(
        userID: String? = nil, from: Date? = nil, before: Date? = nil, status: AppointmentStatus? = nil,
        updatedSince: Date? = nil, after: PageAfter? = nil, limit: Int = 100
    ) {
        self.userID = userID
        self.from = from
        self.before = before
        self.status = status
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}

/// A POST made with an `Idempotency-Key`.
public struct IdempotentRequest: Sendable {
    public var apiKeyID: String
    public var key: String
    /// SHA-256 of the method, path and body, to tell a retry from a different request.
    public var fingerprint: String
    public var at: Date

    /// How long an unanswered claim holds its key before another request may take it.
    public static let lease: TimeInterval = 60

    public init(apiKeyID: String, key: String, fingerprint: String, at: Date) {
        self.apiKeyID = apiKeyID
        self.key = key
        self.fingerprint = fingerprint
        self.at = at
    }
}

public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var location: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String?, location: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.body = body
    }
}

public enum IdempotencyClaim: Sendable, Equatable {
    case claimed
    case replay(StoredResponse)
    /// The key was used for a different request.
    case mismatch
    /// The first request with this key has not finished.
    case inProgress
}
