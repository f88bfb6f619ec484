import Foundation
import Testing
import TallyCore
import TallyStore

/// The journal the server's report table follows: every change to an entry's report fields, in
/// commit order, from any connection.
@Suite struct TimeEntryJournalTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    func entry(_ id: String, hours: Double) -> TimeEntry {
        TimeEntry(
            id: id, userID: "u1", source: .toggl, externalID: id, description: "work", category: "Deep work",
            start: now.addingTimeInterval(-hours * 3600), stop: now, createdAt: now, updatedAt: now)
    }

    @Test func snapshotsAndChangesCoverCreatesUpdatesAndDeletes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tally.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.createUser(User(id: "u1", name: "Ann", timezone: "UTC", createdAt: now, updatedAt: now))
        _ = try await store.upsertTimeEntries([entry("a", hours: 1), entry("b", hours: 2), entry("c", hours: 3)])

        let snapshot = try await store.reportSpanSnapshot()
        #expect(Set(snapshot.spans.map(\.id)) == ["a", "b", "c"])
        #expect(snapshot.spans.allSatisfy { $0.description.isEmpty })
        let none = try #require(try await store.reportSpanChanges(after: snapshot.position))
        #expect(none.changed.isEmpty && none.deletedIDs.isEmpty && none.position == snapshot.position)

        // Another connection changes one entry, deletes one and adds one.
        let other = try SQLiteStore(path: path)
        _ = try await other.updateTimeEntry(id: "a") { $0.category = "Meetings" }
        _ = try await other.deleteTimeEntry(id: "b", at: now)
        _ = try await other.upsertTimeEntries([entry("d", hours: 4)])
        let changes = try #require(try await store.reportSpanChanges(after: snapshot.position))
        #expect(Set(changes.changed.map(\.id)) == ["a", "d"])
        #expect(changes.changed.first { $0.id == "a" }?.category == "Meetings")
        #expect(changes.deletedIDs == ["b"])
        #expect(changes.position > snapshot.position)

        // A description is not in a span: changing it alone is not a change.
        _ = try await store.updateTimeEntry(id: "c") { $0.description = "other words" }
        let quiet = try #require(try await store.reportSpanChanges(after: changes.position))
        #expect(quiet.changed.isEmpty && quiet.deletedIDs.isEmpty)

        // Once trimmed past a position, the journal says it cannot tell.
        _ = try await store.upsertTimeEntries([entry("e", hours: 5), entry("f", hours: 6)])
        try await store.trimTimeEntryJournal(keeping: 1)
        #expect(try await store.reportSpanChanges(after: snapshot.position) == nil)
        #expect(try await store.reportSpanSnapshot().spans.count == 5)
    }
}
