import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func createDailyLog(_ log: DailyLog) async throws {
        try await write { [self] db in
            try Self.requireUser(db, id: log.userID)
            try Self.rejectDuplicateDay(db, userID: log.userID, date: log.date, except: nil)
            try db.execute(
                sql: """
                    INSERT INTO daily_logs (id, user_id, date, reviews, demos, callbacks, notes, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: log.arguments)
            try recordEvent(db, WebhookEvent(type: EventType.dailyLogCreated, data: log.eventData, at: log.createdAt))
        }
    }

    public func dailyLog(id: String) async throws -> DailyLog? {
        try await read { db in try Self.fetchDailyLog(db, id: id) }
    }

    public func dailyLogs(_ query: DailyLogQuery) async throws -> [DailyLog] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let userID = query.userID {
                conditions.append("user_id = ?")
                arguments += [userID]
            }
            if let from = query.from {
                conditions.append("date >= ?")
                arguments += [from.description]
            }
            if let to = query.to {
                conditions.append("date <= ?")
                arguments += [to.description]
            }
            if let updatedSince = query.updatedSince {
                conditions.append("updated_at >= ?")
                arguments += [updatedSince]
            }
            if let after = query.after {
                conditions.append("(date > ? OR (date = ? AND id > ?))")
                arguments += [after.sortKey, after.sortKey, after.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(
                db, sql: "SELECT \(DailyLog.columns) FROM daily_logs \(filter) ORDER BY date, id LIMIT ?", arguments: arguments
            ).map(DailyLog.init(row:))
        }
    }

    public func updateDailyLog(id: String, _ change: @escaping @Sendable (inout DailyLog) throws -> Void) async throws -> DailyLog {
        try await write { [self] db in
            guard var log = try Self.fetchDailyLog(db, id: id) else {
                throw TallyError.notFound(kind: "daily log", id: id)
            }
            try change(&log)
            try Self.rejectDuplicateDay(db, userID: log.userID, date: log.date, except: id)
            try db.execute(
                sql: """
                    UPDATE daily_logs SET date = ?, reviews = ?, demos = ?, callbacks = ?, notes = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [log.date.description, log.reviews, log.demos, log.callbacks, log.notes, log.updatedAt, id])
            try recordEvent(db, WebhookEvent(type: EventType.dailyLogUpdated, data: log.eventData, at: log.updatedAt))
            return log
        }
    }

    public func deleteDailyLog(id: String, at now: Date) async throws -> Bool {
        try await write { [self] db in
            guard let log = try Self.fetchDailyLog(db, id: id) else { return false }
            try db.execute(sql: "DELETE FROM daily_logs WHERE id = ?", arguments: [id])
            try recordEvent(db, WebhookEvent(type: EventType.dailyLogDeleted, data: log.eventData, at: now))
            return true
        }
    }

    static func fetchDailyLog(_ db: Database, id: String) throws -> DailyLog? {
        try Row.fetchOne(db, sql: "SELECT \(DailyLog.columns) FROM daily_logs WHERE id = ?", arguments: [id]).map(DailyLog.init(row:))
    }

    static func rejectDuplicateDay(_ db: Database, userID: String, date: LocalDate, except id: String?) throws {
        let existing = try String.fetchOne(
            db, sql: "SELECT id FROM daily_logs WHERE user_id = ? AND date = ? AND id IS NOT ?",
            arguments: [userID, date.description, id])
        if let existing {
            throw TallyError.conflict(
                detail: "user '\(userID)' already has a daily log for \(date)", existingID: existing)
        }
    }
}
