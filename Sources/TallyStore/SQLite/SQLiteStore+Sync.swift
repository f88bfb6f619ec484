import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func syncState(source: TimeEntrySource) async throws -> SyncState? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(SyncState.columns) FROM sync_state WHERE source = ?", arguments: [source.rawValue]
            ).map(SyncState.init(row:))
        }
    }

    public func applySync(_ batch: SyncBatch) async throws -> SyncCounts {
        try await write { [self] db in
            var counts = SyncCounts()
            var listed = Set<String>()
            // What the source listed is as of the cycle's start: anything changed here since then
            // (a webhook, the timer, another process) is newer and stays as it is.
            let listedAt = batch.run.startedAt
            for entry in batch.entries {
                if let externalID = entry.externalID { listed.insert(externalID) }
                switch try upsert(db, entry, readBefore: listedAt) {
                case .added: counts.added += 1
                case .updated: counts.updated += 1
                case .unchanged: counts.unchanged += 1
                }
            }
            var gone: [TimeEntry] = []
            for externalID in batch.deletedExternalIDs where !listed.contains(externalID) {
                gone += try Row.fetchAll(
                    db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE source = ? AND external_id = ?",
                    arguments: [batch.source.rawValue, externalID]
                ).map(TimeEntry.init(row:))
            }
            if let window = batch.completeWindow {
                gone += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(TimeEntry.columns) FROM time_entries
                        WHERE source = ? AND user_id = ? AND start_at >= ? AND start_at < ? AND updated_at < ?
                        """,
                    arguments: [batch.source.rawValue, batch.userID, window.start, window.end, listedAt]
                ).map(TimeEntry.init(row:)).filter { entry in entry.externalID.map { !listed.contains($0) } ?? false }
            }
            var deletedIDs = Set<String>()
            for entry in gone where deletedIDs.insert(entry.id).inserted {
                try delete(db, entry, at: batch.run.finishedAt)
            }
            counts.deleted = deletedIDs.count
            var run = batch.run
            run.counts = counts
            try Self.save(db, batch.state)
            try Self.insert(db, run)
            try recordEvent(db, WebhookEvent(type: EventType.syncCompleted, data: run.eventData, at: run.finishedAt))
            return counts
        }
    }

    public func recordSyncFailure(state: SyncState, run: SyncRun) async throws {
        try await write { [self] db in
            try Self.save(db, state)
            try Self.insert(db, run)
            try recordEvent(db, WebhookEvent(type: EventType.syncFailed, data: run.eventData, at: run.finishedAt))
        }
    }

    public func syncRuns(source: TimeEntrySource, since: Date) async throws -> [SyncRun] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT source, started_at, finished_at, requests, fetched, added, updated, unchanged, deleted, error
                    FROM sync_runs WHERE source = ? AND started_at >= ? ORDER BY started_at
                    """, arguments: [source.rawValue, since]
            ).map(SyncRun.init(row:))
        }
    }

    public func applyInbound(
        source: TimeEntrySource, eventID: String?, entries: [TimeEntry], deletedExternalIDs: [String], at now: Date
    ) async throws -> InboundOutcome {
        try await write { [self] db in
            if let eventID {
                try db.execute(
                    sql: "INSERT INTO inbound_events (source, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [source.rawValue, eventID, now])
                if db.changesCount == 0 { return .duplicate }
            }
            var counts = SyncCounts()
            for entry in entries {
                switch try upsert(db, entry) {
                case .added: counts.added += 1
                case .updated: counts.updated += 1
                case .unchanged: counts.unchanged += 1
                }
            }
            for externalID in deletedExternalIDs {
                let stored = try Row.fetchAll(
                    db, sql: "SELECT \(TimeEntry.columns) FROM time_entries WHERE source = ? AND external_id = ?",
                    arguments: [source.rawValue, externalID]
                ).map(TimeEntry.init(row:))
                for entry in stored {
                    try delete(db, entry, at: now)
                    counts.deleted += 1
                }
            }
            return .applied(counts)
        }
    }

    public func purgeSyncHistory(before cutoff: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sync_runs WHERE started_at < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM inbound_events WHERE received_at < ?", arguments: [cutoff])
        }
    }

    public func setting(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    public func saveSetting(_ key: String, _ value: String?, at now: Date) async throws {
        try await write { db in
            if let value {
                try db.execute(
                    sql: """
                        INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                        """, arguments: [key, value, now])
            } else {
                try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
            }
        }
    }

    static func save(_ db: Database, _ state: SyncState) throws {
        try db.execute(
            sql: """
                INSERT INTO sync_state (\(SyncState.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, last_attempt_at = excluded.last_attempt_at,
                    last_success_at = excluded.last_success_at, last_error = excluded.last_error,
                    wait_until = excluded.wait_until, quota_remaining = excluded.quota_remaining,
                    quota_resets_at = excluded.quota_resets_at
                """,
            arguments: [
                state.source.rawValue, state.cursor, state.lastAttemptAt, state.lastSuccessAt, state.lastError,
                state.waitUntil, state.quotaRemaining, state.quotaResetsAt,
            ])
    }

    static func insert(_ db: Database, _ run: SyncRun) throws {
        try db.execute(
            sql: """
                INSERT INTO sync_runs (source, started_at, finished_at, requests, fetched, added, updated, unchanged, deleted, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.source.rawValue, run.startedAt, run.finishedAt, run.requests, run.fetched, run.counts.added,
                run.counts.updated, run.counts.unchanged, run.counts.deleted, run.error,
            ])
    }
}

extension SyncState {
    static let columns =
        "source, cursor, last_attempt_at, last_success_at, last_error, wait_until, quota_remaining, quota_resets_at"

    init(row: Row) throws {
        let sourceText: String = row[0]
        guard let source = TimeEntrySource(rawValue: sourceText) else {
            throw DatabaseError(message: "sync_state.source holds '\(sourceText)'")
        }
        self.init(
            source: source, cursor: row[1], lastAttemptAt: try row.optionalInstant(2),
            lastSuccessAt: try row.optionalInstant(3), lastError: row[4], waitUntil: try row.optionalInstant(5),
            quotaRemaining: row[6], quotaResetsAt: try row.optionalInstant(7))
    }
}

extension SyncRun {
    init(row: Row) throws {
        let sourceText: String = row[0]
        guard let source = TimeEntrySource(rawValue: sourceText) else {
            throw DatabaseError(message: "sync_runs.source holds '\(sourceText)'")
        }
        self.init(
            source: source, startedAt: try row.instant(1), finishedAt: try row.instant(2), requests: row[3],
            fetched: row[4], counts: SyncCounts(added: row[5], updated: row[6], unchanged: row[7], deleted: row[8]),
            error: row[9])
    }
}
