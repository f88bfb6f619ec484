import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func importTimeEntries(
        _ produce: @escaping @Sendable (_ add: (TimeEntry) throws -> Void) throws -> Void
    ) async throws -> ImportCounts {
        // A large import, kept or rolled back, leaves a large write-ahead log; it is folded back
        // into the database and cut to size at once, not at some later checkpoint.
        defer { Task { [pool] in try? await pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } } }
        return try await write { [self] db in
            var counts = ImportCounts()
            let insert = try db.makeStatement(
                sql: "INSERT INTO time_entries (\(TimeEntry.columns)) VALUES (\(TimeEntry.placeholders)) ON CONFLICT (user_id, source, external_id) DO NOTHING")
            try produce { entry in
                try insert.execute(arguments: try entry.arguments())
                if db.changesCount > 0 {
                    counts.added += 1
                    try recordEvent(db, WebhookEvent(type: EventType.timeEntryCreated, data: entry.eventData, at: entry.createdAt))
                } else {
                    counts.alreadyPresent += 1
                }
            }
            return counts
        }
    }

    public func upsertTimeEntries(_ entries: [TimeEntry]) async throws -> UpsertCounts {
        try await write { [self] db in
            var counts = UpsertCounts()
            for entry in entries {
                switch try upsert(db, entry) {
                case .added: counts.added += 1
                case .updated: counts.updated += 1
                case .unchanged: counts.unchanged += 1
                }
            }
            return counts
        }
    }

    enum UpsertOutcome { case added, updated, unchanged }

    /// Inserts `entry`, or brings the stored entry with its (source, external id) up to date.
    /// With `readBefore`, a stored entry changed at or after that instant (by a webhook or the
    /// timer while a sync's listing was on its way) is newer than `entry` and is left alone.
    func upsert(_ db: Database, _ entry: TimeEntry, readBefore: Date? = nil) throws -> UpsertOutcome {
        try Self.requireUser(db, id: entry.userID)
        let existing = try Row.fetchOne(
            try db.cachedStatement(
                sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE user_id = ? AND source = ? AND external_id = ?"),
            arguments: [entry.userID, entry.source.rawValue, entry.externalID]
        ).map(TimeEntry.init(row:))
        if let readBefore, let existing, existing.updatedAt >= readBefore { return .unchanged }
        if let incoming = entry.sourceChangedAt, let known = existing?.sourceChangedAt, incoming < known { return .unchanged }
        guard var stored = existing else {
            try db.cachedStatement(sql: "INSERT INTO time_entries (\(TimeEntry.columns)) VALUES (\(TimeEntry.placeholders))")
                .execute(arguments: try entry.arguments())
            try recordEvent(db, WebhookEvent(type: EventType.timeEntryCreated, data: entry.eventData, at: entry.createdAt))
            return .added
        }
        let before = stored
        stored.userID = entry.userID
        stored.description = entry.description
        stored.project = entry.project
        stored.tags = entry.tags
        if !stored.categoryIsManual { stored.category = entry.category }
        stored.start = entry.start
        stored.stop = entry.stop
        stored.timezone = entry.timezone ?? stored.timezone
        stored.sourceChangedAt = entry.sourceChangedAt ?? stored.sourceChangedAt
        // As it reads back from the database (610.0 comes back as the integer 610).
        stored.details = entry.details.isEmpty ? [:] : try TimeEntry.decodeDetails(TimeEntry.text(entry.details))
        guard stored != before else { return .unchanged }
        stored.updatedAt = entry.updatedAt
        try Self.write(db, stored)
        try recordEvent(db, WebhookEvent(type: EventType.timeEntryUpdated, data: stored.eventData, at: stored.updatedAt))
        return .updated
    }

    /// Deletes one entry and records `time_entry.deleted`; false when there was none.
    func delete(_ db: Database, _ entry: TimeEntry, at now: Date) throws {
        try db.execute(sql: "DELETE FROM time_entries WHERE id = ?", arguments: [entry.id])
        try recordEvent(db, WebhookEvent(type: EventType.timeEntryDeleted, data: entry.eventData, at: now))
    }

    static func write(_ db: Database, _ entry: TimeEntry) throws {
        try db.execute(
            sql: """
                UPDATE time_entries SET user_id = ?, description = ?, project = ?, tags = ?, category = ?,
                    category_manual = ?, start_at = ?, stop_at = ?, timezone = ?, details = ?, updated_at = ?,
                    source_changed_at = ?
                WHERE id = ?
                """,
            arguments: [
                entry.userID, entry.description, entry.project, TimeEntry.text(entry.tags), entry.category,
                entry.categoryIsManual, entry.start, entry.stop, entry.timezone, TimeEntry.text(entry.details),
                entry.updatedAt, entry.sourceChangedAt, entry.id,
            ])
    }

    public func timeEntries(_ query: TimeEntryQuery) async throws -> [TimeEntry] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let userID = query.userID {
                conditions.append("user_id = ?")
                arguments += [userID]
            }
            if let source = query.source {
                conditions.append("source = ?")
                arguments += [source.rawValue]
            }
            if let category = query.category {
                conditions.append("category = ? COLLATE NOCASE")
                arguments += [category]
            }
            if let from = query.from {
                conditions.append("(stop_at IS NULL OR stop_at >= ?)")
                arguments += [from]
            }
            if let before = query.before {
                conditions.append("start_at < ?")
                arguments += [before]
            }
            if let updatedSince = query.updatedSince {
                conditions.append("updated_at >= ?")
                arguments += [updatedSince]
            }
            if let after = query.after {
                guard let milliseconds = Int64(after.sortKey) else { return [] }
                let start = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
                conditions.append("(start_at > ? OR (start_at = ? AND id > ?))")
                arguments += [start, start, after.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [min(query.limit, Int(Int32.max))]
            return try Row.fetchAll(
                db, sql: "SELECT \(TimeEntry.columns) FROM time_entries \(filter) ORDER BY start_at, id LIMIT ?",
                arguments: arguments
            ).map(TimeEntry.init(row:))
        }
    }

    public func timeEntry(id: String) async throws -> TimeEntry? {
        try await read { db in try Self.fetchTimeEntry(db, id: id) }
    }

    public func timeEntry(userID: String, source: TimeEntrySource, externalID: String) async throws -> TimeEntry? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE user_id = ? AND source = ? AND external_id = ?",
                arguments: [userID, source.rawValue, externalID]
            ).map(TimeEntry.init(row:))
        }
    }

    public func createTimeEntry(_ entry: TimeEntry) async throws {
        try await write { [self] db in
            try Self.requireUser(db, id: entry.userID)
            if let externalID = entry.externalID,
                let existing = try String.fetchOne(
                    db, sql: "SELECT id FROM time_entries WHERE user_id = ? AND source = ? AND external_id = ?",
                    arguments: [entry.userID, entry.source.rawValue, externalID])
            {
                throw TallyError.conflict(
                    detail: "a \(entry.source.rawValue) entry with external id '\(externalID)' exists", existingID: existing)
            }
            try db.execute(
                sql: "INSERT INTO time_entries (\(TimeEntry.columns)) VALUES (\(TimeEntry.placeholders))",
                arguments: try entry.arguments())
            try recordEvent(db, WebhookEvent(type: EventType.timeEntryCreated, data: entry.eventData, at: entry.createdAt))
        }
    }

    public func updateTimeEntry(id: String, _ change: @escaping @Sendable (inout TimeEntry) throws -> Void) async throws
        -> TimeEntry
    {
        try await write { [self] db in
            guard var entry = try Self.fetchTimeEntry(db, id: id) else {
                throw TallyError.notFound(kind: "time entry", id: id)
            }
            let before = entry
            try change(&entry)
            guard entry != before else { return before }
            try Self.requireUser(db, id: entry.userID)
            try Self.write(db, entry)
            try recordEvent(db, WebhookEvent(type: EventType.timeEntryUpdated, data: entry.eventData, at: entry.updatedAt))
            return entry
        }
    }

    public func deleteTimeEntry(id: String, at now: Date) async throws -> Bool {
        try await write { [self] db in
            guard let entry = try Self.fetchTimeEntry(db, id: id) else { return false }
            try delete(db, entry, at: now)
            return true
        }
    }

    public func recategorize(at now: Date, _ categorise: @escaping @Sendable (TimeEntry) -> String) async throws -> Int {
        try await write { [self] db in
            let entries = try Row.fetchAll(
                db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE category_manual = 0"
            ).map(TimeEntry.init(row:))
            var changed = 0
            for var entry in entries {
                let category = categorise(entry)
                guard category != entry.category else { continue }
                entry.category = category
                entry.updatedAt = now
                try Self.write(db, entry)
                try recordEvent(db, WebhookEvent(type: EventType.timeEntryUpdated, data: entry.eventData, at: now))
                changed += 1
            }
            return changed
        }
    }

    static func fetchTimeEntry(_ db: Database, id: String) throws -> TimeEntry? {
        try Row.fetchOne(db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE id = ?", arguments: [id])
            .map(TimeEntry.init(row:))
    }
}

extension TimeEntry {
    static let columns = """
        id, user_id, source, external_id, description, project, tags, category, start_at, stop_at, timezone, \
        details, created_at, updated_at, category_manual, source_changed_at
        """
    static let placeholders = Array(repeating: "?", count: 16).joined(separator: ", ")

    init(row: Row) throws {
        let sourceText: String = row[2]
        guard let source = TimeEntrySource(rawValue: sourceText) else {
            throw DatabaseError(message: "time_entries.source holds '\(sourceText)'")
        }
        self.init(
            id: row[0], userID: row[1], source: source, externalID: row[3], description: row[4], project: row[5],
            tags: try Self.decodeTags(row[6]), category: row[7], categoryIsManual: row[14], start: try row.instant(8),
            stop: try row.optionalInstant(9), timezone: row[10], details: try Self.decodeDetails(row[11]),
            sourceChangedAt: try row.optionalInstant(15), createdAt: try row.instant(12), updatedAt: try row.instant(13))
    }

    func arguments() throws -> StatementArguments {
        [
            id, userID, source.rawValue, externalID, description, project, Self.text(tags), category, start, stop,
            timezone, Self.text(details), createdAt, updatedAt, categoryIsManual, sourceChangedAt,
        ]
    }

    static func text(_ tags: [String]) -> String {
        String(decoding: JSONValue.array(tags.map(JSONValue.string)).serialized(), as: UTF8.self)
    }

    static func text(_ details: [String: JSONValue]) -> String {
        String(decoding: JSONValue.object(details).serialized(), as: UTF8.self)
    }

    /// Most entries have no tags and no details: those skip the JSON decoder.
    static func decodeTags(_ text: String) throws -> [String] {
        text == "[]" ? [] : try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    static func decodeDetails(_ text: String) throws -> [String: JSONValue] {
        text == "{}" ? [:] : try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
    }
}
