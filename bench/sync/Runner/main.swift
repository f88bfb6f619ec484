import AsyncHTTPClient
import Foundation
import TallyCore
import TallyIntegrations
import TallyStore
import TallyTestSupport

// The sync benchmark (bench/sync/run.sh): a 90-day backfill of 40 entries a day from FakeToggl
// over real HTTP into a real SQLite file, a steady-state cycle, a cycle after a few edits, and
// raw upserts per second. Prints one JSON object.

let days = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 90
let perDay = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 40
let upsertCount = Int(CommandLine.arguments.dropFirst(3).first ?? "") ?? 50_000

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-sync-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try SQLiteStore(path: directory.appendingPathComponent("tally.sqlite").path)
let now = Date()
try await store.createUser(User(id: "ann", name: "Ann", timezone: "Europe/Amsterdam", createdAt: now, updatedAt: now))

var result: [String: Any] = ["days": days, "entries_per_day": perDay]
try await FakeToggl.run { fake in
    let projects = ["App Development", "Client work", "Reading", "Gym"].map { fake.addProject($0).id }
    let old = now.addingTimeInterval(-100 * 86_400)
    let firstDay = Calendar(identifier: .gregorian).startOfDay(for: now).addingTimeInterval(-Double(days - 1) * 86_400)
    var ids: [Int64] = []
    for day in 0..<days {
        for slot in 0..<perDay {
            let start = firstDay.addingTimeInterval(Double(day) * 86_400 + 6 * 3600 + Double(slot) * 1200)
            ids.append(
                fake.addEntry(
                    "Task \(slot)", start: start, stop: start.addingTimeInterval(1100),
                    projectID: projects[slot % projects.count], tags: slot % 5 == 0 ? ["meeting"] : [], at: old
                ).id)
        }
    }
    let client = TogglClient(
        apiBaseURL: fake.apiURL, webhooksBaseURL: fake.webhooksURL, apiToken: fake.apiToken,
        http: SourceHTTP(httpClient: .shared, minimumInterval: .zero))
    let engine = SyncEngine(store: store, sources: [TogglSync(client: client)], userID: "ann", rules: { .defaults })

    let clock = ContinuousClock()
    var report: SyncReport?
    let backfill = await clock.measure { report = await engine.sync(days: days).first }
    guard let backfilled = report, case .synced(let counts, _) = backfilled.outcome else {
        fatalError("the backfill failed: \(report?.line ?? "no report")")
    }
    let entryRequests = fake.requests(to: "/me/time_entries").count
    result["backfill"] = [
        "entries": counts.added, "requests": backfilled.requests, "time_entry_requests": entryRequests,
        "seconds": seconds(backfill),
        "seconds_at_1_request_per_second": seconds(backfill) + Double(max(0, backfilled.requests - 1)),
    ] as [String: Any]

    fake.clearRequests()
    let steady = await clock.measure { report = await engine.sync(days: days).first }
    result["steady_state"] = [
        "requests": report?.requests ?? -1, "http_requests_seen_by_fake": fake.requests.count, "seconds": seconds(steady),
        "line": report?.line ?? "",
    ] as [String: Any]

    for id in ids.suffix(5) { fake.editEntry(id) { $0.description += " (edited)" } }
    fake.deleteEntry(ids[0])
    fake.clearRequests()
    let edits = await clock.measure { report = await engine.sync(days: days).first }
    result["after_5_edits_1_delete"] = ["requests": report?.requests ?? -1, "seconds": seconds(edits), "line": report?.line ?? ""] as [String: Any]
}

// Raw upserts: one sync batch of `upsertCount` new entries, then the same batch again (unchanged).
let base = now.addingTimeInterval(-400 * 86_400)
let entries = (0..<upsertCount).map { index in
    TimeEntry(
        id: Identifier.make("te", at: now), userID: "ann", source: .clockify, externalID: String(format: "%024x", index),
        description: "Entry \(index)", project: "Client work", tags: ["meeting"], category: "Work",
        start: base.addingTimeInterval(Double(index) * 600), stop: base.addingTimeInterval(Double(index) * 600 + 500),
        createdAt: now, updatedAt: now)
}
func batch() -> SyncBatch {
    SyncBatch(
        source: .clockify, userID: "ann", entries: entries, deletedExternalIDs: [], completeWindow: nil,
        state: SyncState(source: .clockify), run: SyncRun(source: .clockify, startedAt: now, finishedAt: now, requests: 0))
}
let clock = ContinuousClock()
let inserted = try await clock.measure { _ = try await store.applySync(batch()) }
let unchanged = try await clock.measure { _ = try await store.applySync(batch()) }
result["upserts"] = [
    "entries": upsertCount, "new_per_second": Int(Double(upsertCount) / seconds(inserted)),
    "unchanged_per_second": Int(Double(upsertCount) / seconds(unchanged)),
] as [String: Any]

let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
print(String(decoding: json, as: UTF8.self))
