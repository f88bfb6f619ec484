import Foundation
import GRDB
import Testing
import TallyCore
@testable import TallyStore

/// Sync state, sync batches and inbound events against a real SQLite file.
@Suite struct SyncStoreTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    func makeStore() async throws -> SQLiteStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("tally.sqlite").path)
        try await store.createUser(User(id: "ann", name: "Ann", timezone: "Europe/Amsterdam", createdAt: now, updatedAt: now))
        return store
    }

    func entry(_ externalID: String, hour: Int, description: String = "Deep work", category: String = "Work") -> TimeEntry {
        TimeEntry(
            id: Identifier.make("te", at: now), userID: "ann", source: .toggl, externalID: externalID,
            description: description, tags: ["focus"], category: category,
            start: now.addingTimeInterval(Double(hour) * 3600), stop: now.addingTimeInterval(Double(hour) * 3600 + 1800),
            createdAt: now, updatedAt: now)
    }

    func batch(
        _ entries: [TimeEntry], deleted: [String] = [], window: DateInterval? = nil, cursor: String = "c1", at: Date? = nil
    ) -> SyncBatch {
        let finished = at ?? now
        return SyncBatch(
            source: .toggl, userID: "ann", entries: entries, deletedExternalIDs: deleted, completeWindow: window,
            state: SyncState(source: .toggl, cursor: cursor, lastAttemptAt: finished, lastSuccessAt: finished),
            run: SyncRun(source: .toggl, startedAt: finished, finishedAt: finished, requests: 1, fetched: entries.count))
    }

    func eventTypes(_ store: SQLiteStore) async throws -> [String] {
        try await store.read { db in try String.fetchAll(db, sql: "SELECT type FROM events ORDER BY rowid") }
    }

    @Test func aSyncBatchCommitsEntriesStateRunAndEventsTogether() async throws {
        let store = try await makeStore()
        let counts = try await store.applySync(batch([entry("1", hour: 0), entry("2", hour: 1)]))
        #expect(counts == SyncCounts(added: 2))
        #expect(try await store.syncState(source: .toggl)?.cursor == "c1")
        let runs = try await store.syncRuns(source: .toggl, since: now.addingTimeInterval(-60))
        #expect(runs.count == 1 && runs[0].counts.added == 2 && runs[0].requests == 1)
        let types = try await eventTypes(store)
        #expect(types == ["user.created", "time_entry.created", "time_entry.created", "sync.completed"])

        let again = try await store.applySync(batch([entry("1", hour: 0), entry("2", hour: 1)], cursor: "c2"))
        #expect(again == SyncCounts(unchanged: 2))
        #expect(try await store.timeEntries(userID: nil, source: .toggl).count == 2)
        #expect(try await store.syncState(source: .toggl)?.cursor == "c2")
    }

    @Test func editsUpdateAndKeepTheIdAndAHandChosenCategory() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch([entry("1", hour: 0)]))
        let stored = try #require(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "1"))
        _ = try await store.updateTimeEntry(id: stored.id) {
            $0.category = "Coding"
            $0.categoryIsManual = true
        }
        let counts = try await store.applySync(
            batch([entry("1", hour: 0, description: "Deep work, part 2", category: "Work")], at: now.addingTimeInterval(60)))
        #expect(counts.updated == 1)
        let after = try #require(try await store.timeEntry(id: stored.id))
        #expect(after.description == "Deep work, part 2")
        #expect(after.category == "Coding" && after.categoryIsManual)
    }

    @Test func tombstonesAndEntriesMissingFromACompleteWindowAreDeleted() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch([entry("1", hour: 0), entry("2", hour: 1), entry("3", hour: 2), entry("old", hour: -100)]))
        let counts = try await store.applySync(
            batch(
                [entry("1", hour: 0)], deleted: ["2"],
                window: DateInterval(start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(10 * 3600)),
                at: now.addingTimeInterval(60)))
        #expect(counts.deleted == 2)
        let left = try await store.timeEntries(userID: nil, source: .toggl).compactMap(\.externalID).sorted()
        #expect(left == ["1", "old"])
        #expect(try await eventTypes(store).filter { $0 == "time_entry.deleted" }.count == 2)
    }

    @Test func whatChangedWhileTheListingWasOnItsWayIsKept() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch([entry("1", hour: 0), entry("2", hour: 1)]))
        // A webhook (or the timer) changes entry 1 and adds entry 3 after the cycle's listing
        // was read but before the cycle is applied.
        let later = now.addingTimeInterval(30)
        let one = try #require(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "1"))
        _ = try await store.updateTimeEntry(id: one.id) {
            $0.description = "edited by a webhook"
            $0.updatedAt = later
        }
        var three = entry("3", hour: 2)
        three.updatedAt = later
        three.createdAt = later
        _ = try await store.upsertTimeEntries([three])
        var stale = batch(
            [entry("1", hour: 0), entry("2", hour: 1)],
            window: DateInterval(start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(10 * 3600)))
        stale.run.startedAt = now.addingTimeInterval(10)
        let counts = try await stale.apply(to: store)
        #expect(counts.deleted == 0 && counts.updated == 0)
        #expect(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "1")?.description == "edited by a webhook")
        #expect(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "3") != nil)
    }

    @Test func aFailureKeepsEverythingStoredAndRecordsWhy() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch([entry("1", hour: 0)]))
        let wait = now.addingTimeInterval(1800)
        try await store.recordSyncFailure(
            state: SyncState(source: .toggl, cursor: "c1", lastError: "over quota", waitUntil: wait, quotaRemaining: 0),
            run: SyncRun(source: .toggl, startedAt: now, finishedAt: now, requests: 1, error: "over quota"))
        let state = try #require(try await store.syncState(source: .toggl))
        #expect(state.waitUntil == wait && state.lastError == "over quota" && state.cursor == "c1")
        #expect(try await store.timeEntries(userID: nil, source: .toggl).count == 1)
        #expect(try await eventTypes(store).last == "sync.failed")
    }

    @Test func anInboundEventAppliesOnce() async throws {
        let store = try await makeStore()
        let first = try await store.applyInbound(source: .toggl, eventID: "ev1", entries: [entry("1", hour: 0)], deletedExternalIDs: [], at: now)
        #expect(first == .applied(SyncCounts(added: 1)))
        let replay = try await store.applyInbound(
            source: .toggl, eventID: "ev1", entries: [entry("1", hour: 0, description: "changed")], deletedExternalIDs: [], at: now)
        #expect(replay == .duplicate)
        #expect(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "1")?.description == "Deep work")
        let deletion = try await store.applyInbound(source: .toggl, eventID: "ev2", entries: [], deletedExternalIDs: ["1"], at: now)
        #expect(deletion == .applied(SyncCounts(deleted: 1)))
    }

    @Test func recategorisingLeavesHandChosenCategoriesAlone() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch([entry("1", hour: 0), entry("2", hour: 1)]))
        let second = try #require(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "2"))
        _ = try await store.updateTimeEntry(id: second.id) {
            $0.category = "Read"
            $0.categoryIsManual = true
        }
        let changed = try await store.recategorize(at: now) { _ in "Coding" }
        #expect(changed == 1)
        #expect(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "1")?.category == "Coding")
        #expect(try await store.timeEntry(userID: "ann", source: .toggl, externalID: "2")?.category == "Read")
    }

    @Test func timeEntryQueriesFilterAndPage() async throws {
        let store = try await makeStore()
        _ = try await store.applySync(batch((0..<5).map { entry("\($0)", hour: $0) }))
        let window = try await store.timeEntries(
            TimeEntryQuery(from: now.addingTimeInterval(3600 + 1860), before: now.addingTimeInterval(3 * 3600), limit: 10))
        #expect(window.compactMap(\.externalID) == ["2"])
        let firstPage = try await store.timeEntries(TimeEntryQuery(limit: 2))
        let last = try #require(firstPage.last)
        let next = try await store.timeEntries(
            TimeEntryQuery(
                after: PageAfter(sortKey: String(Int64(last.start.timeIntervalSince1970 * 1000)), id: last.id), limit: 10))
        #expect(firstPage.compactMap(\.externalID) + next.compactMap(\.externalID) == ["0", "1", "2", "3", "4"])
        #expect(try await store.timeEntries(TimeEntryQuery(category: "work", limit: 10)).count == 5)
    }

    @Test func settingsRoundTrip() async throws {
        let store = try await makeStore()
        #expect(try await store.setting("auto_sync") == nil)
        try await store.saveSetting("auto_sync", "on", at: now)
        try await store.saveSetting("auto_sync", "off", at: now)
        #expect(try await store.setting("auto_sync") == "off")
        try await store.saveSetting("auto_sync", nil, at: now)
        #expect(try await store.setting("auto_sync") == nil)
    }
}

extension SyncBatch {
    func apply(to store: SQLiteStore) async throws -> SyncCounts { try await store.applySync(self) }
}
