import Foundation
import GRDB
import Testing
import TallyCore
@testable import TallyStore

/// Migrations over a database that already holds data, as an upgrade meets it.
@Suite struct SQLiteMigrationTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    @Test func perUserIdentityKeepsEveryEntryAndTheJournal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tally.sqlite").path

        // The schema before "10-time-entry-identity-per-user", with an imported workout in it.
        let old = try DatabaseQueue(path: path)
        try SQLiteMigrations.migrator.migrate(old, upTo: "9-time-entry-journal")
        try await old.write { db in
            for user in ["ann", "bo"] {
                try db.execute(
                    sql: "INSERT INTO users (id, name, email, role, timezone, created_at, updated_at) VALUES (?, ?, NULL, 'member', 'UTC', ?, ?)",
                    arguments: [user, user, now, now])
            }
            try db.execute(
                sql: """
                    INSERT INTO time_entries (id, user_id, source, external_id, description, project, tags, category,
                        start_at, stop_at, timezone, details, created_at, updated_at, category_manual, source_changed_at)
                    VALUES ('te_1', 'ann', 'apple_health', 'workout-1', 'Running', NULL, '["run"]', 'Sport', ?, ?,
                        'Europe/Amsterdam', '{"kcal":300}', ?, ?, 1, ?)
                    """, arguments: [now.addingTimeInterval(-1800), now, now, now, now])
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        let kept = try #require(try await store.timeEntry(id: "te_1"))
        #expect(kept.userID == "ann" && kept.externalID == "workout-1" && kept.tags == ["run"] && kept.category == "Sport")
        #expect(kept.categoryIsManual && kept.timezone == "Europe/Amsterdam" && kept.sourceChangedAt == now && kept.durationSeconds == 1800)

        let position = try await store.reportSpanSnapshot().position
        let bos = TimeEntry(
            id: "te_2", userID: "bo", source: .appleHealth, externalID: "workout-1", description: "Running",
            category: "Sport", start: now.addingTimeInterval(-1800), stop: now, createdAt: now, updatedAt: now)
        let counts = try await store.importTimeEntries { add in try add(bos) }
        #expect(counts.added == 1 && counts.alreadyPresent == 0)
        let again = try await store.importTimeEntries { add in try add(kept) }
        #expect(again.added == 0 && again.alreadyPresent == 1)
        // The journal triggers came back with the table.
        let changes = try #require(try await store.reportSpanChanges(after: position))
        #expect(changes.changed.map(\.id) == ["te_2"])
        #expect(try await store.timeEntry(userID: "bo", source: .appleHealth, externalID: "workout-1")?.id == "te_2")
    }
}
