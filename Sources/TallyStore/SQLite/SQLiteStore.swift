import Foundation
import GRDB
import TallyCore

/// The embedded default: one SQLite file in WAL mode, so the server and the CLI can use it at once.
public final class SQLiteStore: TallyStore {
    public let kind = DatabaseKind.sqlite
    public let path: String
    let pool: DatabasePool
    let activity: (any DatabaseActivity)?
    public let outboxSignal = OutboxSignal()
    public let changes: (any ChangeCounter)?

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, activity: (any DatabaseActivity)? = nil) throws {
        self.path = path
        self.activity = activity
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.label = "tally"
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: directory) {
                throw TallyError.databaseUnavailable("the folder \(directory) does not exist")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw TallyError.databaseUnavailable("cannot open SQLite database \(path): \(error.message ?? "\(error)")")
        }
        changes = SQLiteChanges(path: path)
        activity?.configured(maximumReaders: configuration.maximumReaderCount)
    }

    func read<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let started = ContinuousClock.now
        activity?.began(.read)
        defer { activity?.ended(.read, after: ContinuousClock.now - started) }
        return try await pool.read(work)
    }

    func write<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let started = ContinuousClock.now
        activity?.began(.write)
        defer { activity?.ended(.write, after: ContinuousClock.now - started) }
        return try await pool.write(work)
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
    }

    // MARK: Users

    public func createUser(_ user: User) async throws {
        try await write { [self] db in
            if try Self.exists(db, "users", id: user.id) {
                throw TallyError.conflict(detail: "a user with id '\(user.id)' already exists", existingID: user.id)
            }
            try db.execute(
                sql: """
                    INSERT INTO users (id, name, email, role, timezone, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: user.arguments)
            try recordEvent(db, WebhookEvent(type: EventType.userCreated, data: user.eventData, at: user.createdAt))
        }
    }

    public func user(id: String) async throws -> User? {
        try await read { db in try Self.fetchUser(db, id: id) }
    }

    public func users(after id: String?, limit: Int) async throws -> [User] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE (? IS NULL OR id > ?) ORDER BY id LIMIT ?",
                arguments: [id, id, limit]
            ).map(User.init(row:))
        }
    }

    public func updateUser(id: String, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
        try await write { [self] db in
            guard var user = try Self.fetchUser(db, id: id) else { throw TallyError.notFound(kind: "user", id: id) }
            try change(&user)
            try db.execute(
                sql: "UPDATE users SET name = ?, email = ?, role = ?, timezone = ?, updated_at = ? WHERE id = ?",
                arguments: [user.name, user.email, user.role.rawValue, user.timezone, user.updatedAt, id])
            try recordEvent(db, WebhookEvent(type: EventType.userUpdated, data: user.eventData, at: user.updatedAt))
            return user
        }
    }

    public func deleteUser(id: String, at now: Date) async throws -> Bool {
        try await write { [self] db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                arguments: [now, id])
            guard let user = try Self.fetchUser(db, id: id) else { return false }
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
            try recordEvent(db, WebhookEvent(type: EventType.userDeleted, data: user.eventData, at: now))
            return true
        }
    }

    static func fetchUser(_ db: Database, id: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(User.init(row:))
    }

    static func exists(_ db: Database, _ table: String, id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)"), arguments: [id]) ?? false
    }

    static func requireUser(_ db: Database, id: String) throws {
        guard try exists(db, "users", id: id) else {
            throw TallyError.invalid(ValidationError(field: "user_id", "no user has the id '\(id)'"))
        }
    }
}

/// What the store reports about its database use, for metrics.
public protocol DatabaseActivity: Sendable {
    func configured(maximumReaders: Int)
    func began(_ access: DatabaseAccess)
    func ended(_ access: DatabaseAccess, after duration: Duration)
}

public enum DatabaseAccess: String, Sendable {
    case read, write
}
