import Foundation
import TallyCore
import TallyTestSupport
import Testing
@testable import TallyIntegrations

/// ClockifySync against the fake over HTTP: whole-window re-reads, the cursor's caches, deletions.
@Suite struct ClockifySyncTests {
    static let now = ClockifyFixtures.date("2026-11-23T12:00:00Z")
    /// The engine's window: the last days and one day ahead.
    static let window = DateInterval(start: now.addingTimeInterval(-7 * 86_400), end: now.addingTimeInterval(86_400))

    @Test("the first sync reads the user, the window and the names; the entries carry project, tags and zone")
    func firstSync() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            let project = fake.addProject("Tally")
            let deep = fake.addTag("deep work")
            let review = fake.addTag("review")
            let id = fake.addEntry(
                "Sync engine", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:30:00Z"),
                projectID: project, tagIDs: [review, deep])
            fake.addEntry("plain", start: ClockifyFixtures.date("2026-11-21T09:00:00Z"), end: ClockifyFixtures.date("2026-11-21T09:05:00Z"))
            fake.addEntry("too old", start: ClockifyFixtures.date("2026-11-10T09:00:00Z"), end: ClockifyFixtures.date("2026-11-10T09:05:00Z"))

            let sync = fake.sync()
            #expect(sync.source == .clockify)
            let changes = try await sync.changes(in: Self.window, cursor: nil, now: Self.now)
            #expect(changes.completeWindow == Self.window)
            #expect(changes.deletedIDs.isEmpty)
            #expect(changes.requests == 4)
            #expect(fake.requestCount("GET", path: "/user") == 1)
            #expect(changes.entries.map(\.description) == ["plain", "Sync engine"])
            let entry = try #require(changes.entries.first { $0.externalID == id })
            #expect(entry == RemoteTimeEntry(
                externalID: id, description: "Sync engine", project: "Tally", tags: ["review", "deep work"],
                start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), stop: ClockifyFixtures.date("2026-11-20T10:30:00Z"),
                timezone: "Europe/Amsterdam"))
            let state = try #require(ClockifySyncState(cursor: changes.cursor))
            #expect(state.account.workspaceID == fake.workspaceID)
            #expect(state.account.userID == fake.userID)
            #expect(state.account.timeZone == "Europe/Amsterdam")
            #expect(state.names.projects == [project: "Tally"])
            #expect(state.names.tags == [deep: "deep work", review: "review"])
        }
    }

    @Test("the next cycle with the cursor is one request: no /user, no names it already has")
    func cachedCycle() async throws {
        try await FakeClockify.run { fake in
            let project = fake.addProject("Tally")
            fake.addEntry("a", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:00:00Z"), projectID: project)
            let sync = fake.sync()
            let first = try await sync.changes(in: Self.window, cursor: nil, now: Self.now)
            #expect(first.requests == 3)
            fake.clearRequests()
            let second = try await fake.sync().changes(in: Self.window, cursor: first.cursor, now: Self.now.addingTimeInterval(900))
            #expect(second.requests == 1)
            #expect(fake.requests.map(\.path) == ["/workspaces/\(fake.workspaceID)/user/\(fake.userID)/time-entries"])
            #expect(second.entries.first?.project == "Tally")

            let other = fake.addProject("Other")
            fake.addEntry("b", start: ClockifyFixtures.date("2026-11-21T09:00:00Z"), end: ClockifyFixtures.date("2026-11-21T10:00:00Z"), projectID: other)
            fake.clearRequests()
            let third = try await sync.changes(in: Self.window, cursor: second.cursor, now: Self.now.addingTimeInterval(1800))
            #expect(third.requests == 2)
            #expect(fake.requestCount(path: "/projects") == 1 && fake.requestCount(path: "/tags") == 0)
            #expect(Set(third.entries.compactMap(\.project)) == ["Tally", "Other"])
        }
    }

    @Test("an entry deleted at Clockify is absent from the next complete window")
    func deletion() async throws {
        try await FakeClockify.run { fake in
            let keep = fake.addEntry("keep", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:00:00Z"))
            let gone = fake.addEntry("gone", start: ClockifyFixtures.date("2026-11-21T09:00:00Z"), end: ClockifyFixtures.date("2026-11-21T10:00:00Z"))
            let sync = fake.sync()
            let first = try await sync.changes(in: Self.window, cursor: nil, now: Self.now)
            #expect(Set(first.entries.map(\.externalID)) == [keep, gone])
            fake.deleteEntry(gone)
            let second = try await sync.changes(in: Self.window, cursor: first.cursor, now: Self.now)
            #expect(second.entries.map(\.externalID) == [keep])
            #expect(second.completeWindow == Self.window)
        }
    }

    @Test("a running entry comes without stop, and with its stop once it is stopped")
    func runningEntry() async throws {
        try await FakeClockify.run { fake in
            let start = Self.now.addingTimeInterval(-1800)
            let id = fake.addEntry("running", start: start, end: nil)
            let sync = fake.sync()
            let first = try await sync.changes(in: Self.window, cursor: nil, now: Self.now)
            let running = try #require(first.entries.first { $0.externalID == id })
            #expect(running.isRunning)
            fake.stopRunningEntry(at: Self.now)
            let second = try await sync.changes(in: Self.window, cursor: first.cursor, now: Self.now.addingTimeInterval(60))
            #expect(second.entries.first { $0.externalID == id }?.stop == Self.now)
        }
    }

    @Test("120 entries in pages of 50 all arrive")
    func paging() async throws {
        try await FakeClockify.run { fake in
            for index in 0..<120 {
                let start = Self.now.addingTimeInterval(-Double(index) * 3000 - 3600)
                fake.addEntry("e\(index)", start: start, end: start.addingTimeInterval(600))
            }
            let changes = try await fake.sync(pageSize: 50).changes(in: Self.window, cursor: nil, now: Self.now)
            #expect(Set(changes.entries.map(\.description)) == Set((0..<120).map { "e\($0)" }))
            #expect(fake.requestCount(path: "/time-entries") == 3)
        }
    }

    @Test("rate limited mid-cycle: a typed error with waitUntil and the requests spent")
    func rateLimited() async throws {
        try await FakeClockify.run { fake in
            fake.failNext(4, status: 429, path: "/time-entries")
            let error = await ClockifyFixtures.clockifyError {
                _ = try await fake.sync().changes(in: Self.window, cursor: nil, now: Self.now)
            }
            #expect(error?.reason == .rateLimited)
            #expect(error?.requestsMade == 5)
            #expect(error?.waitUntil != nil)
        }
    }

    @Test("a cursor that is not ours starts afresh")
    func foreignCursor() async throws {
        try await FakeClockify.run { fake in
            fake.addEntry("a", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:00:00Z"))
            for cursor in ["", "{\"since\": 17}", "{\"version\": 99}"] {
                let changes = try await fake.sync().changes(in: Self.window, cursor: cursor, now: Self.now)
                #expect(changes.entries.count == 1)
            }
            #expect(fake.requestCount(path: "/user") == 3)
        }
    }

    @Test("the account's zone changed since the cursor was written: nothing at the window's edges is lost")
    func staleZone() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            let edgeEntries = [
                fake.addEntry("start edge", start: Self.window.start.addingTimeInterval(600), end: Self.window.start.addingTimeInterval(1200)),
                fake.addEntry("end edge", start: Self.now.addingTimeInterval(-600), end: nil),
            ]
            let first = try await fake.sync().changes(in: Self.window, cursor: nil, now: Self.now)
            fake.accountTimeZone = "Pacific/Honolulu"
            let second = try await fake.sync().changes(in: Self.window, cursor: first.cursor, now: Self.now.addingTimeInterval(60))
            #expect(Set(second.entries.map(\.externalID)) == Set(edgeEntries))
        }
    }

    @Test("a day later the user and the names are read again, so a new zone and a renamed project come through")
    func dailyRefresh() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            let project = fake.addProject("Tally")
            fake.addEntry("a", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:00:00Z"), projectID: project)
            let first = try await fake.sync().changes(in: Self.window, cursor: nil, now: Self.now)
            fake.renameProject(project, to: "Tally server")
            fake.accountTimeZone = "Europe/Lisbon"
            let sameDay = try await fake.sync().changes(in: Self.window, cursor: first.cursor, now: Self.now.addingTimeInterval(3600))
            #expect(sameDay.entries.first?.project == "Tally")
            #expect(sameDay.entries.first?.timezone == "Europe/Amsterdam")
            let later = Self.now.addingTimeInterval(25 * 3600)
            let window = DateInterval(start: later.addingTimeInterval(-7 * 86_400), end: later.addingTimeInterval(86_400))
            let nextDay = try await fake.sync().changes(in: window, cursor: sameDay.cursor, now: later)
            #expect(nextDay.entries.first?.project == "Tally server")
            #expect(nextDay.entries.first?.timezone == "Europe/Lisbon")
            #expect(nextDay.requests == 3)
        }
    }

    @Test("an entry whose project was deleted has no project, and the projects are not fetched again for it")
    func deletedProject() async throws {
        try await FakeClockify.run { fake in
            let project = fake.addProject("Old")
            fake.addEntry("a", start: ClockifyFixtures.date("2026-11-20T09:00:00Z"), end: ClockifyFixtures.date("2026-11-20T10:00:00Z"), projectID: project)
            fake.deleteProject(project)
            let first = try await fake.sync().changes(in: Self.window, cursor: nil, now: Self.now)
            #expect(first.entries.first?.project == nil)
            #expect(first.requests == 3)
            let second = try await fake.sync().changes(in: Self.window, cursor: first.cursor, now: Self.now.addingTimeInterval(60))
            #expect(second.requests == 1)
        }
    }

    @Test("the timer: project names, start with a project and tags, current, stop, stop again")
    func timer() async throws {
        try await FakeClockify.run { fake in
            let project = fake.addProject("Tally")
            fake.addProject("Old", archived: true)
            let tag = fake.addTag("deep work")
            let sync = fake.sync()
            #expect(try await sync.projectNames() == ["Tally"])
            #expect(try await sync.currentTimer() == nil)

            let start = Date().addingTimeInterval(-60).rounded
            let started = try await sync.startTimer(description: "Timer", project: "tally", tags: ["Deep Work", "no such tag"], at: start)
            #expect(started.isRunning)
            #expect(started.project == "Tally")
            #expect(started.tags == ["deep work"])
            #expect(started.start == start)
            let stored = try #require(fake.entry(started.externalID))
            #expect(stored.projectID == project && stored.tagIDs == [tag] && stored.isRunning)
            #expect(fake.tags.count == 1)

            #expect(try await sync.currentTimer() == started)

            let second = try await sync.startTimer(description: "Next", project: nil, tags: [], at: start.addingTimeInterval(30))
            #expect(fake.entry(started.externalID)?.end == start.addingTimeInterval(30))
            let stop = start.addingTimeInterval(45)
            let stopped = try #require(try await sync.stopTimer(at: stop))
            #expect(stopped.externalID == second.externalID && stopped.stop == stop)
            #expect(try await sync.stopTimer(at: stop) == nil)
            #expect(try await sync.currentTimer() == nil)
            #expect(fake.requestCount("GET", path: "/user") == 1)
        }
    }

    @Test("starting a timer on a project Clockify does not have is unknownProject, and nothing starts")
    func unknownProject() async throws {
        try await FakeClockify.run { fake in
            fake.addProject("Tally")
            let error = await ClockifyFixtures.clockifyError {
                _ = try await fake.sync().startTimer(description: "x", project: "Nope", tags: [], at: Date())
            }
            #expect(error?.reason == .unknownProject("Nope"))
            #expect(error?.requestsMade == 2)
            #expect(fake.entries.isEmpty)
        }
    }

    @Test("after a sync the timer calls need no /user")
    func timerAfterSync() async throws {
        try await FakeClockify.run { fake in
            let sync = fake.sync()
            let now = Date()
            _ = try await sync.changes(in: DateInterval(start: now.addingTimeInterval(-86_400), end: now), cursor: nil, now: now)
            fake.clearRequests()
            let current = try await sync.currentTimer()
            #expect(current == nil)
            #expect(fake.requests.count == 1)
        }
    }
}

extension Date {
    /// Whole seconds: Clockify keeps no fractions.
    fileprivate var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
