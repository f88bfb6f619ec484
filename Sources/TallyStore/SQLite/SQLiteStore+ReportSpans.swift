import Foundation
import GRDB
import TallyCore

/// Time entries as report spans: a window of them for one report, or all of them with the
/// journal position they reflect, and what changed since a position, for the server's table.
extension SQLiteStore {
    /// Team reports over more than this read the whole table rather than the stop-time index.
    static let scanWindow: TimeInterval = 62 * 86_400
    /// More changed entries than this are read faster as a new snapshot.
    static let largestChangeSet = 100_000

    public func reportSpans(userID: String?, from: Date, before: Date, withDescriptions: Bool) async throws -> [ReportSpan] {
        try await read { db in
            let columns = Self.spanColumns(withDescriptions: withDescriptions)
            let user = userID == nil ? "" : "user_id = ? AND"
            if userID == nil, before.timeIntervalSince(from) > Self.scanWindow {
                // Most of the table: one pass over it beats an index walk with a lookup per row.
                return try Self.spans(
                    db, sql: "\(columns) WHERE +start_at < ? AND (stop_at IS NULL OR stop_at > ?)", arguments: [before, from])
            }
            // Two halves so SQLite can use the stop-time indexes (`+start_at` keeps it off the
            // start-time one): finished entries ending after the window starts, and running ones.
            var arguments: StatementArguments = []
            if let userID { arguments += [userID] }
            arguments += [from, before]
            if let userID { arguments += [userID] }
            arguments += [before]
            return try Self.spans(
                db,
                sql: """
                    \(columns) WHERE \(user) stop_at > ? AND +start_at < ?
                    UNION ALL
                    \(columns) WHERE \(user) stop_at IS NULL AND +start_at < ?
                    """, arguments: arguments)
        }
    }

    public func reportSpanSnapshot() async throws -> ReportSpanSnapshot {
        // One read transaction: the spans are exactly those at the position read with them.
        try await read { db in
            let position = try Self.journalPosition(db)
            let spans = try Self.spans(db, sql: Self.spanColumns(withDescriptions: false), arguments: [])
            return ReportSpanSnapshot(spans: spans, position: position)
        }
    }

    public func reportSpanChanges(after position: Int64) async throws -> ReportSpanChanges? {
        try await read { db in
            let latest = try Self.journalPosition(db)
            guard latest > position else { return ReportSpanChanges(changed: [], deletedIDs: [], position: position) }
            guard let oldest = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM time_entry_journal"), oldest <= position + 1
            else { return nil }
            let ids = try Set(
                String.fetchAll(
                    db, sql: "SELECT entry_id FROM time_entry_journal WHERE seq > ? AND seq <= ?",
                    arguments: [position, latest]))
            guard ids.count <= Self.largestChangeSet else { return nil }
            var changed: [ReportSpan] = []
            let list = Array(ids)
            for start in stride(from: 0, to: list.count, by: 500) {
                let chunk = Array(list[start..<min(start + 500, list.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                changed += try Self.spans(
                    db, sql: "\(Self.spanColumns(withDescriptions: false)) WHERE id IN (\(marks))",
                    arguments: StatementArguments(chunk))
            }
            return ReportSpanChanges(
                changed: changed, deletedIDs: ids.subtracting(changed.map(\.id)), position: latest)
        }
    }

    public func trimTimeEntryJournal(keeping: Int) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM time_entry_journal WHERE seq <=
                        (SELECT seq FROM sqlite_sequence WHERE name = 'time_entry_journal') - ?
                    """, arguments: [keeping])
        }
    }

    /// The journal's newest position, also once its rows are trimmed away.
    static func journalPosition(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'time_entry_journal'") ?? 0
    }

    /// Instants come back as seconds since 1970 computed by SQLite, which is much faster than
    /// parsing a million date strings in Swift.
    static func spanColumns(withDescriptions: Bool) -> String {
        """
        SELECT id, user_id, source, category, \(withDescriptions ? "description" : "''"),
               (julianday(start_at) - 2440587.5) * 86400.0,
               (julianday(stop_at) - 2440587.5) * 86400.0
        FROM time_entries
        """
    }

    static func spans(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ReportSpan] {
        var spans: [ReportSpan] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            guard let source = TimeEntrySource(rawValue: row[2]) else { continue }
            let start: Double = row[5]
            let stop: Double? = row[6]
            spans.append(
                ReportSpan(
                    id: row[0], userID: row[1], source: source, category: row[3], description: row[4],
                    start: Date(timeIntervalSince1970: (start * 1000).rounded() / 1000),
                    stop: stop.map { Date(timeIntervalSince1970: ($0 * 1000).rounded() / 1000) }))
        }
        return spans
    }
}
