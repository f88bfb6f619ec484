import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func importTimeEntries(
        _ produce: @escaping @Sendable (_ add: (TimeEntry) throws -> Void) throws -> Void
    ) async throws -> ImportCounts {
        try await write { [self] db in
            var counts = ImportCounts()
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO time_entries (\(TimeEntry.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source, external_id) DO NOTHING
                    """)
            try produce { entry in
                try insert.execute(arguments: try entry.arguments())
                if db.changesCount > 0 {
                    counts.added += 1
                    try recordEvent(db, WebhookEvent(type: "time_entry.created", data: entry.eventData, at: entry.createdAt))
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
                try Self.requireUser(db, id: entry.userID)
                let existing = try Row.fetchOne(
                    db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE source = ? AND external_id = ?",
                    arguments: [entry.source.rawValue, entry.externalID]
                ).map(TimeEntry.init(row:))
                guard var stored = existing else {
                    try db.execute(
                        sql: "INSERT INTO time_entries (\(TimeEntry.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: try entry.arguments())
                    try recordEvent(db, WebhookEvent(type: "time_entry.created", data: entry.eventData, at: entry.createdAt))
                    counts.added += 1
                    continue
                }
                let before = stored
                stored.userID = entry.userID
                stored.description = entry.description
                stored.tags = entry.tags
                stored.start = entry.start
                stored.stop = entry.stop
                stored.timezone = entry.timezone ?? stored.timezone
                // As it reads back from the database (610.0 comes back as the integer 610).
                stored.details = try JSONDecoder().decode(
                    [String: JSONValue].self, from: JSONEncoder().encode(entry.details))
                guard stored != before else {
                    counts.unchanged += 1
                    continue
                }
                stored.updatedAt = entry.updatedAt
                try db.execute(
                    sql: """
                        UPDATE time_entries SET user_id = ?, description = ?, tags = ?, start_at = ?, stop_at = ?,
                            timezone = ?, details = ?, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        stored.userID, stored.description,
                        String(decoding: try JSONEncoder().encode(stored.tags), as: UTF8.self), stored.start, stored.stop,
                        stored.timezone, String(decoding: try JSONEncoder().encode(stored.details), as: UTF8.self),
                        stored.updatedAt, stored.id,
                    ])
                try recordEvent(db, WebhookEvent(type: "time_entry.updated", data: stored.eventData, at: stored.updatedAt))
                counts.updated += 1
            }
            return counts
        }
    }

    public func timeEntries(userID: String?, source: TimeEntrySource?) async throws -> [TimeEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(TimeEntry.columns) FROM time_entries
                    WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR source = ?2)
                    ORDER BY start_at, id
                    """, arguments: [userID, source?.rawValue]
            ).map(TimeEntry.init(row:))
        }
    }
}

extension TimeEntry {
    static let columns = """
        id, user_id, source, external_id, description, project, tags, category, start_at, stop_at, timezone, \
        details, created_at, updated_at
        """

    init(row: Row) throws {
        let sourceText: String = row[2]
        guard let source = TimeEntrySource(rawValue: sourceText) else {
            throw DatabaseError(message: "time_entries.source holds '\(sourceText)'")
        }
        let tagsText: String = row[6]
        let detailsText: String = row[11]
        self.init(
            id: row[0], userID: row[1], source: source, externalID: row[3], description: row[4], project: row[5],
            tags: try JSONDecoder().decode([String].self, from: Data(tagsText.utf8)), category: row[7],
            start: try row.instant(8), stop: try row.optionalInstant(9), timezone: row[10],
            details: try JSONDecoder().decode([String: JSONValue].self, from: Data(detailsText.utf8)),
            createdAt: try row.instant(12), updatedAt: try row.instant(13))
    }

    func arguments() throws -> StatementArguments {
        [
            id, userID, source.rawValue, externalID, description, project,
            String(decoding: try JSONEncoder().encode(tags), as: UTF8.self), category, start, stop, timezone,
            String(decoding: try JSONEncoder().encode(details), as: UTF8.self), createdAt, updatedAt,
        ]
    }
}
