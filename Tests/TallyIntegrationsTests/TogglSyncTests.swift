import Foundation
import Testing
import TallyTestSupport
@testable import TallyIntegrations

/// TogglSync against the fake over HTTP: what each cycle costs in requests, and what it finds.
@Suite struct TogglSyncTests {
    static let day: TimeInterval = 86_400

    /// `days` × `perDay` ten-minute entries ending before `now`, changed long ago so a `since`
    /// request does not list them. Every fifth uses one of two projects.
    @discardableResult
    func seedHistory(_ fake: FakeToggl, days: Int, perDay: Int, before now: Date) -> [FakeToggl.Entry] {
        let projects = [fake.addProject("Tally"), fake.addProject("Reading")]
        let firstDay = (now - Double(days) * Self.day).timeIntervalSince1970.rounded(.down)
        var added: [FakeToggl.Entry] = []
        for day in 0..<days {
            for slot in 0..<perDay {
                let start = Date(timeIntervalSince1970: firstDay + Double(day) * Self.day + 600 + Double(slot) * 900)
                let stop = start + 600
                added.append(
                    fake.addEntry(
                        "work \(day)/\(slot)", start: start, stop: stop,
                        projectID: slot % 5 == 0 ? projects[slot / 5 % 2].id : nil, tags: slot % 3 == 0 ? ["deep"] : [],
                        at: stop + 60))
            }
        }
        return added
    }

    /// No request may combine `since` with dates: Toggl answers that with 400.
    func expectSinceNeverWithDates(_ fake: FakeToggl) {
        for request in fake.requests where request.query["since"] != nil {
            #expect(request.query["start_date"] == nil && request.query["end_date"] == nil, "\(request)")
        }
        #expect(!fake.requests.contains { $0.status == 400 })
    }

    func cursor(_ text: String) throws -> TogglSyncCursor {
        try #require(TogglSyncCursor(text: text))
    }

    @Test("a first sync of 90 days × 40 entries costs 4 entry requests, one /me and one /me/projects")
    func backfill() async throws {
        try await withToggl { fake, client in
            let now = Date()
            let seeded = seedHistory(fake, days: 90, perDay: 40, before: now)
            let window = DateInterval(start: now - 90 * Self.day, end: now)
            let changes = try await TogglSync(client: client).changes(in: window, cursor: nil, now: now)
            #expect(fake.requests(to: "/me/time_entries").count == 4)
            #expect(fake.requests(to: "/me/projects").count == 1)
            #expect(fake.requests(to: "/me").count == 1)
            #expect(changes.requests == 6)
            #expect(changes.entries.count == seeded.count)
            #expect(Set(changes.entries.map(\.externalID)) == Set(seeded.map { String($0.id) }))
            #expect(changes.completeWindow == window)
            #expect(changes.deletedIDs.isEmpty)
            let withProject = try #require(changes.entries.first { $0.description == "work 0/0" })
            #expect(withProject.project == "Tally")
            #expect(withProject.tags == ["deep"])
            let state = try cursor(changes.cursor)
            #expect(state.since == Int64(now.timeIntervalSince1970.rounded(.down)) - 60)
            #expect(state.backfilledFrom == Int64(window.start.timeIntervalSince1970.rounded(.down)))
            #expect(state.workspaceID == fake.workspaceID)
            #expect(Set(state.projects.values) == ["Tally", "Reading"])
            expectSinceNeverWithDates(fake)
        }
    }

    @Test("once synced, a cycle in which nothing changed is exactly one request")
    func steadyState() async throws {
        try await withToggl { fake, client in
            let now = Date()
            seedHistory(fake, days: 10, perDay: 20, before: now)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - 10 * Self.day, end: now)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            fake.clearRequests()
            let second = try await sync.changes(in: window, cursor: first.cursor, now: Date())
            #expect(fake.requests.count == 1)
            let request = try #require(fake.requests.first)
            #expect(request.endpoint == "/me/time_entries")
            #expect(request.query.keys.sorted() == ["since"])
            #expect(second.requests == 1)
            #expect(second.entries.isEmpty)
            #expect(second.deletedIDs.isEmpty)
            #expect(second.completeWindow == nil)
            fake.clearRequests()
            let third = try await sync.changes(in: window, cursor: second.cursor, now: Date())
            #expect(third.requests == 1)
            #expect(fake.requests.count == 1)
            expectSinceNeverWithDates(fake)
        }
    }

    @Test("edits, deletions and a new running timer come from one since request")
    func changesSince() async throws {
        try await withToggl { fake, client in
            let now = Date()
            let seeded = seedHistory(fake, days: 5, perDay: 10, before: now)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - 5 * Self.day, end: now)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            fake.editEntry(seeded[3].id) { $0.description = "renamed" }
            fake.deleteEntry(seeded[7].id)
            let running = fake.startTimer("Writing", tags: ["docs"])
            fake.clearRequests()
            let changes = try await sync.changes(in: window, cursor: first.cursor, now: Date())
            #expect(changes.requests == 1, "the known projects need no /me/projects")
            #expect(fake.requests.count == 1)
            #expect(Set(changes.entries.map(\.externalID)) == [String(seeded[3].id), String(running.id)])
            #expect(changes.entries.first { $0.externalID == String(seeded[3].id) }?.description == "renamed")
            let timer = try #require(changes.entries.first { $0.externalID == String(running.id) })
            #expect(timer.isRunning)
            #expect(timer.tags == ["docs"])
            #expect(changes.deletedIDs == [String(seeded[7].id)])
            expectSinceNeverWithDates(fake)
        }
    }

    @Test("an entry in a project the cursor does not know costs one /me/projects, once")
    func newProject() async throws {
        try await withToggl { fake, client in
            let now = Date()
            seedHistory(fake, days: 2, perDay: 10, before: now)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - 2 * Self.day, end: now)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            let project = fake.addProject("Garden")
            fake.startTimer("Weeding", projectID: project.id)
            fake.clearRequests()
            let second = try await sync.changes(in: window, cursor: first.cursor, now: Date())
            #expect(second.requests == 2)
            #expect(fake.requests(to: "/me/projects").count == 1)
            #expect(second.entries.first?.project == "Garden")
            fake.clearRequests()
            fake.stopTimer()
            let third = try await sync.changes(in: window, cursor: second.cursor, now: Date())
            #expect(third.requests == 1)
            #expect(third.entries.first?.project == "Garden")
        }
    }

    @Test("a running entry is later reported completed")
    func runningThenCompleted() async throws {
        try await withToggl(.init(noCurrentEntry: .null)) { fake, client in
            let now = Date()
            let running = fake.startTimer("Reading", at: now - 1800)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - Self.day, end: now + 60)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            #expect(first.entries.map(\.externalID) == [String(running.id)])
            #expect(first.entries.first?.stop == nil)
            let stopped = try #require(fake.stopTimer())
            let second = try await sync.changes(in: window, cursor: first.cursor, now: Date())
            #expect(second.entries.map(\.externalID) == [String(running.id)])
            #expect(second.entries.first?.stop == stopped.stop)
            #expect(second.requests == 1)
        }
    }

    @Test("a window reaching further back than the backfill lists just the gap, then asks since")
    func backfillGap() async throws {
        try await withToggl { fake, client in
            let now = Date()
            let seeded = seedHistory(fake, days: 60, perDay: 5, before: now)
            let sync = TogglSync(client: client)
            let recent = DateInterval(start: now - 30 * Self.day, end: now)
            let first = try await sync.changes(in: recent, cursor: nil, now: now)
            #expect(first.entries.count == 150)
            fake.clearRequests()
            let longer = DateInterval(start: now - 60 * Self.day, end: now)
            let second = try await sync.changes(in: longer, cursor: first.cursor, now: Date())
            let entryRequests = fake.requests(to: "/me/time_entries")
            #expect(entryRequests.count == 2)
            #expect(entryRequests.first?.query["end_date"] == TogglTimestamp.queryText(recent.start))
            #expect(entryRequests.last?.query.keys.sorted() == ["since"])
            let backfilled = Date(timeIntervalSince1970: recent.start.timeIntervalSince1970.rounded(.down))
            #expect(second.completeWindow == DateInterval(start: longer.start, end: backfilled))
            #expect(second.entries.count == seeded.count - 150)
            #expect(try cursor(second.cursor).backfilledFrom == Int64(longer.start.timeIntervalSince1970.rounded(.down)))
            expectSinceNeverWithDates(fake)
        }
    }

    @Test("a since older than 80 days is replaced by a full re-read of the window")
    func staleCursor() async throws {
        try await withToggl { fake, client in
            let now = Date()
            seedHistory(fake, days: 3, perDay: 4, before: now)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - 3 * Self.day, end: now)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            fake.clearRequests()
            let later = now + 81 * Self.day
            let laterWindow = DateInterval(start: now - 3 * Self.day, end: later)
            let second = try await sync.changes(in: laterWindow, cursor: first.cursor, now: later)
            #expect(second.completeWindow == laterWindow)
            #expect(second.entries.count == 12)
            #expect(fake.requests.allSatisfy { $0.query["since"] == nil })
            let since = try cursor(second.cursor).since
            #expect(since <= Int64(Date().timeIntervalSince1970) - 60, "never later than the real time of the requests")
            #expect(since >= Int64(now.timeIntervalSince1970) - 61)
            expectSinceNeverWithDates(fake)
        }
    }

    @Test("an unreadable cursor means a fresh full read")
    func unreadableCursor() async throws {
        try await withToggl { fake, client in
            let now = Date()
            seedHistory(fake, days: 2, perDay: 3, before: now)
            let window = DateInterval(start: now - 2 * Self.day, end: now)
            let changes = try await TogglSync(client: client).changes(in: window, cursor: "{not json", now: now)
            #expect(changes.completeWindow == window)
            #expect(changes.entries.count == 6)
        }
    }

    @Test("answers not newest first fall back to halving the window, still listing everything")
    func halvingFallback() async throws {
        try await withToggl(.init(listsNewestFirst: false)) { fake, client in
            let now = Date()
            let seeded = seedHistory(fake, days: 50, perDay: 50, before: now)
            let window = DateInterval(start: now - 50 * Self.day, end: now)
            let changes = try await TogglSync(client: client).changes(in: window, cursor: nil, now: now)
            #expect(changes.entries.count == seeded.count)
            #expect(Set(changes.entries.map(\.externalID)).count == seeded.count)
            #expect(changes.completeWindow == window)
            #expect(fake.requests(to: "/me/time_entries").count > 4)
        }
    }

    @Test("a since answer at the 1000 cap is distrusted: the window is re-read")
    func sinceAtCap() async throws {
        try await withToggl { fake, client in
            let now = Date()
            let seeded = seedHistory(fake, days: 30, perDay: 40, before: now)
            let sync = TogglSync(client: client)
            let window = DateInterval(start: now - 30 * Self.day, end: now)
            let first = try await sync.changes(in: window, cursor: nil, now: now)
            for entry in seeded.prefix(1000) { fake.editEntry(entry.id) { $0.description += "!" } }
            fake.clearRequests()
            let second = try await sync.changes(in: window, cursor: first.cursor, now: Date())
            #expect(second.completeWindow == window)
            #expect(second.entries.count == seeded.count)
            #expect(second.entries.filter { $0.description.hasSuffix("!") }.count == 1000)
        }
    }

    @Test("the quota headers reach SourceChanges")
    func quotaReported() async throws {
        try await withToggl(.init(hourlyQuota: 30)) { fake, client in
            let now = Date()
            seedHistory(fake, days: 1, perDay: 3, before: now)
            let changes = try await TogglSync(client: client).changes(
                in: DateInterval(start: now - Self.day, end: now), cursor: nil, now: now)
            #expect(changes.quota?.remaining == 30 - changes.requests)
            #expect(changes.quota?.resetsAt != nil)
        }
    }

    @Test("a 402 mid-cycle is a TogglError with the cycle's requests and the reset time")
    func quotaMidCycle() async throws {
        try await withToggl(.init(hourlyQuota: 2)) { fake, client in
            let now = Date()
            seedHistory(fake, days: 30, perDay: 40, before: now)
            let window = DateInterval(start: now - 30 * Self.day, end: now)
            let before = Date()
            let error = await togglError {
                _ = try await TogglSync(client: client).changes(in: window, cursor: nil, now: now)
            }
            let after = Date()
            #expect(error?.requestsMade == 3)
            // An hour after the first counted request, whenever that was on a loaded machine.
            let waitUntil = try #require(error?.waitUntil)
            #expect(waitUntil >= before.addingTimeInterval(3600 - 2) && waitUntil <= after.addingTimeInterval(3600 + 2))
        }
    }
}

/// TogglSync as a TimerSource.
@Suite struct TogglTimerTests {
    @Test("start asks /me for the workspace once, maps the project name to its id, and returns the running entry")
    func start() async throws {
        try await withToggl { fake, client in
            let project = fake.addProject("Tally")
            let sync = TogglSync(client: client)
            let started = try await sync.startTimer(description: "Coding", project: "tally", tags: ["swift"], at: Date())
            #expect(started.isRunning)
            #expect(started.project == "Tally")
            #expect(started.timezone == "Europe/Amsterdam")
            #expect(fake.entry(Int64(started.externalID) ?? 0)?.projectID == project.id)
            #expect(fake.requests(to: "/me").count == 1)
            fake.clearRequests()
            _ = try await sync.startTimer(description: "More", project: "Tally", tags: [], at: Date())
            #expect(fake.requests.map(\.endpoint) == ["/workspaces/\(fake.workspaceID)/time_entries"])
        }
    }

    @Test("a sync cursor saves the timer its /me and /me/projects requests")
    func startWithCursor() async throws {
        try await withToggl { fake, client in
            let project = fake.addProject("Tally")
            fake.addEntry("old", start: Date() - 7200, stop: Date() - 3600, projectID: project.id, at: Date() - 3000)
            let first = try await TogglSync(client: client).changes(
                in: DateInterval(start: Date() - 86_400, end: Date()), cursor: nil, now: Date())
            fake.clearRequests()
            let sync = TogglSync(client: client, cursor: first.cursor)
            let started = try await sync.startTimer(description: "Coding", project: "Tally", tags: [], at: Date())
            #expect(started.project == "Tally")
            #expect(fake.requests.count == 1)
        }
    }

    @Test("an unknown project name is an error, not a timer without a project")
    func unknownProject() async throws {
        try await withToggl { fake, client in
            fake.addProject("Tally")
            let error = await togglError {
                _ = try await TogglSync(client: client).startTimer(description: "x", project: "Nope", tags: [], at: Date())
            }
            #expect(error?.reason == .unknownProject("Nope"))
            #expect(fake.entries.isEmpty)
        }
    }

    @Test("stop stops the running entry; with none running, or already stopped, it is nil", arguments: FakeToggl.NoCurrentEntry.allCases)
    func stop(shape: FakeToggl.NoCurrentEntry) async throws {
        try await withToggl(.init(noCurrentEntry: shape)) { fake, client in
            let sync = TogglSync(client: client)
            #expect(try await sync.stopTimer(at: Date()) == nil)
            let running = fake.startTimer("Reading", at: Date() - 60)
            #expect(try await sync.currentTimer()?.externalID == String(running.id))
            let stopped = try #require(try await sync.stopTimer(at: Date()))
            #expect(stopped.externalID == String(running.id))
            #expect(!stopped.isRunning)
            #expect(try await sync.currentTimer() == nil)
            fake.startTimer("Race")
            fake.failNext(1, status: 409, endpoint: "/workspaces/\(fake.workspaceID)/time_entries/\(running.id + 1)/stop")
            #expect(try await sync.stopTimer(at: Date()) == nil, "stopped elsewhere in between")
        }
    }

    @Test("project names are the active ones")
    func projectNames() async throws {
        try await withToggl { fake, client in
            fake.addProject("Tally")
            fake.addProject("Archived", active: false)
            let names = try await TogglSync(client: client).projectNames()
            #expect(names == ["Tally"])
        }
    }
}
