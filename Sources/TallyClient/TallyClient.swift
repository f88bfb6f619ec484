import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

public typealias User = Components.Schemas.User
public typealias Role = Components.Schemas.Role
public typealias DailyLog = Components.Schemas.DailyLog
public typealias Appointment = Components.Schemas.Appointment
public typealias AppointmentStatus = Components.Schemas.AppointmentStatus
public typealias APIKey = Components.Schemas.APIKey
public typealias Scope = Components.Schemas.Scope
public typealias Problem = Components.Schemas.Problem
public typealias Health = Components.Schemas.Health

/// A client for Tally's API v1, shaped like the goal-tracker seed's `WindowDepotClient`:
/// `users()`, `createDailyLog(...)`, `createAppointment(...)`. Failures are `TallyClientError`s;
/// 429 and 5xx answers are retried with exponential backoff that honours `Retry-After`, and the
/// creating calls send an `Idempotency-Key` so a retry never creates twice.
public struct TallyClient: Sendable {
    /// The generated client, for operations the facade does not wrap.
    public let raw: Client

    public init(
        baseURL: URL, apiKey: String, httpClient: HTTPClient = .shared, retry: RetryPolicy = RetryPolicy(),
        timeout: TimeAmount = .seconds(30)
    ) {
        raw = Client(
            serverURL: baseURL,
            configuration: .init(dateTranscoder: LenientISO8601DateTranscoder()),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: timeout)),
            middlewares: [ProblemErrorMiddleware(), RetryMiddleware(policy: retry), BearerAuthMiddleware(apiKey: apiKey)]
        )
    }

    // MARK: Health

    public func health() async throws -> Health {
        try await call {
            switch try await raw.getHealth() {
            case .ok(let ok): try ok.body.json
            case .serviceUnavailable(let unavailable): try unavailable.body.json
            case .undocumented(let status, _): throw TallyClientError.unexpected(status: status, nil)
            }
        }
    }

    // MARK: Users

    /// Every user, following pagination.
    public func users() async throws -> [User] {
        var users: [User] = []
        var cursor: String?
        repeat {
            let page = try await call { try await raw.listUsers(query: .init(limit: 1000, cursor: cursor)).ok.body.json }
            users += page.users
            cursor = page.nextCursor
        } while cursor != nil
        return users
    }

    public func user(id: String) async throws -> User {
        try await call { try await raw.getUser(path: .init(id: id)).ok.body.json }
    }

    public func createUser(
        id: String? = nil, name: String, email: String? = nil, role: Role? = nil, timezone: String? = nil
    ) async throws -> User {
        try await call {
            try await raw.createUser(
                body: .json(.init(id: id, name: name, email: email, role: role, timezone: timezone))
            ).created.body.json
        }
    }

    public func deleteUser(id: String) async throws {
        try await call { _ = try await raw.deleteUser(path: .init(id: id)).noContent }
    }

    // MARK: Daily logs

    /// Daily logs matching the filters, following pagination.
    public func dailyLogs(
        date: String? = nil, userID: String? = nil, from: String? = nil, to: String? = nil
    ) async throws -> [DailyLog] {
        var logs: [DailyLog] = []
        var cursor: String?
        repeat {
            let page = try await call {
                try await raw.listDailyLogs(
                    query: .init(date: date, userId: userID, from: from, to: to, limit: 1000, cursor: cursor)
                ).ok.body.json
            }
            logs += page.dailyLogs
            cursor = page.nextCursor
        } while cursor != nil
        return logs
    }

    public func dailyLog(id: String) async throws -> DailyLog {
        try await call { try await raw.getDailyLog(path: .init(id: id)).ok.body.json }
    }

    /// Records a user's counts; `date` (YYYY-MM-DD) defaults to today in the user's timezone.
    public func createDailyLog(
        userID: String, reviews: Int, demos: Int, callbacks: Int, date: String? = nil, notes: String? = nil,
        idempotencyKey: String = UUID().uuidString
    ) async throws -> DailyLog {
        try await call {
            try await raw.createDailyLog(
                headers: .init(idempotencyKey: idempotencyKey),
                body: .json(
                    .init(userId: userID, date: date, reviews: reviews, demos: demos, callbacks: callbacks, notes: notes))
            ).created.body.json
        }
    }

    public func updateDailyLog(
        id: String, reviews: Int? = nil, demos: Int? = nil, callbacks: Int? = nil, notes: String? = nil
    ) async throws -> DailyLog {
        try await call {
            try await raw.updateDailyLog(
                path: .init(id: id),
                body: .json(.init(reviews: reviews, demos: demos, callbacks: callbacks, notes: notes))
            ).ok.body.json
        }
    }

    public func deleteDailyLog(id: String) async throws {
        try await call { _ = try await raw.deleteDailyLog(path: .init(id: id)).noContent }
    }

    // MARK: Appointments

    public func appointments(
        userID: String? = nil, from: String? = nil, to: String? = nil, status: AppointmentStatus? = nil
    ) async throws -> [Appointment] {
        var appointments: [Appointment] = []
        var cursor: String?
        repeat {
            let page = try await call {
                try await raw.listAppointments(
                    query: .init(userId: userID, from: from, to: to, status: status, limit: 1000, cursor: cursor)
                ).ok.body.json
            }
            appointments += page.appointments
            cursor = page.nextCursor
        } while cursor != nil
        return appointments
    }

    public func appointment(id: String) async throws -> Appointment {
        try await call { try await raw.getAppointment(path: .init(id: id)).ok.body.json }
    }

    /// Books an appointment. `extra` holds any other fields (the seed's `**kwargs`); Tally keeps
    /// them in the appointment's `metadata`.
    public func createAppointment(
        userID: String, customerName: String, appointmentDate: String, status: AppointmentStatus? = nil,
        durationMinutes: Int? = nil, customerEmail: String? = nil, customerPhone: String? = nil,
        address: String? = nil, notes: String? = nil, extra: [String: (any Sendable)?] = [:],
        idempotencyKey: String = UUID().uuidString
    ) async throws -> Appointment {
        let additional = try OpenAPIObjectContainer(unvalidatedValue: extra)
        return try await call {
            try await raw.createAppointment(
                headers: .init(idempotencyKey: idempotencyKey),
                body: .json(
                    .init(
                        userId: userID, customerName: customerName, appointmentDate: appointmentDate, status: status,
                        durationMinutes: durationMinutes, customerEmail: customerEmail, customerPhone: customerPhone,
                        address: address, notes: notes, additionalProperties: additional))
            ).created.body.json
        }
    }

    public func deleteAppointment(id: String) async throws {
        try await call { _ = try await raw.deleteAppointment(path: .init(id: id)).noContent }
    }

    // MARK: API keys

    public func apiKeys() async throws -> [APIKey] {
        try await call { try await raw.listAPIKeys().ok.body.json.apiKeys }
    }

    /// Creates a key and returns it with its secret, which is shown only this once.
    public func createAPIKey(name: String, scopes: [Scope]? = nil, userID: String? = nil) async throws -> (
        key: APIKey, secret: String
    ) {
        let created = try await call {
            try await raw.createAPIKey(body: .json(.init(name: name, scopes: scopes, userId: userID))).created.body.json
        }
        return (created.value1, created.value2.key)
    }

    public func revokeAPIKey(id: String) async throws {
        try await call { _ = try await raw.revokeAPIKey(path: .init(id: id)).noContent }
    }

    /// Runs a generated call, unwrapping the typed error the middleware raised.
    func call<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as ClientError {
            if let typed = error.underlyingError as? TallyClientError { throw typed }
            throw error
        }
    }
}
