import Foundation
import NIOPosix
import TallyCore
import TallyStore

/// Reports over the store, for the API, the dashboard and `tally report`: the store is read
/// once per report and the maths (TallyCore) buckets each user's time into their own days.
public struct Reports: Sendable {
    let store: any TallyStore
    let configuration: ServerConfiguration
    /// The server's in-memory spans; the CLI, which reports once, reads the store.
    let table: ReportSpanTable?

    public init(store: any TallyStore, configuration: ServerConfiguration) {
        self.init(store: store, configuration: configuration, table: nil)
    }

    init(store: any TallyStore, configuration: ServerConfiguration, table: ReportSpanTable?) {
        self.store = store
        self.configuration = configuration
        self.table = table
    }

    /// Time per category and group; for one user or everyone.
    public func time(
        range: ClosedRange<LocalDate>, grouping: ReportGrouping, userID: String?, dayStartsAt: DayStartTime? = nil,
        priority: SourcePriority? = nil
    ) async throws -> TimeReport {
        let users = try await users(userID)
        let options = options(range: range, grouping: grouping, users: users, dayStartsAt: dayStartsAt, priority: priority)
        let window = options.spanWindow
        let spans = try await spans(
            userID: userID, from: window.lowerBound, before: window.upperBound, withDescriptions: grouping == .description)
        // A team's year is hundreds of milliseconds of counting at a million entries: done on
        // NIO's blocking pool so it holds up no event loop.
        return try await NIOThreadPool.singleton.runIfActive { TimeReport(spans: spans, options: options) }
    }

    /// Progress against the goals: logs of the range, merged time per ISO week and category.
    public func goals(range: ClosedRange<LocalDate>, userID: String?) async throws -> GoalReport {
        let goals = try await GoalBook(store: store, configuration: configuration).goals()
        let members = try await users(userID)
        var logs: [DailyLog] = []
        var after: PageAfter?
        repeat {
            let page = try await store.dailyLogs(
                DailyLogQuery(userID: userID, from: range.lowerBound, to: range.upperBound, after: after, limit: 1000))
            logs += page
            after = page.count == 1000 ? page.last.map { PageAfter(sortKey: $0.date.description, id: $0.id) } : nil
        } while after != nil
        let weeks = ISOWeek.monday(of: range.lowerBound)...ISOWeek.monday(of: range.upperBound).adding(days: 6)
        let options = options(range: weeks, grouping: .week, users: members, dayStartsAt: nil, priority: nil)
        let window = options.spanWindow
        let spans = try await spans(userID: userID, from: window.lowerBound, before: window.upperBound, withDescriptions: false)
        let weeklySeconds = try await NIOThreadPool.singleton.runIfActive {
            TimeReport.byUser(spans: spans, options: options).mapValues(\.secondsByKeyAndCategory)
        }
        let zone = TimeZone(identifier: configuration.defaultTimezone) ?? .gmt
        let today = LocalDate(containing: configuration.now(), in: zone, dayStartsAt: configuration.dayStartsAt)
        return GoalReport(
            goals: goals, members: members.map(GoalReport.Member.init), logs: logs, weeklySeconds: weeklySeconds,
            range: range, today: today)
    }

    /// The spans a report counts: from the server's table, or the store (always for descriptions,
    /// which the table leaves out).
    func spans(userID: String?, from: Date, before: Date, withDescriptions: Bool) async throws -> [ReportSpan] {
        if !withDescriptions, let table, let all = try await table.current() {
            return ReportSpanTable.window(all, userID: userID, from: from, before: before)
        }
        return try await store.reportSpans(userID: userID, from: from, before: before, withDescriptions: withDescriptions)
    }

    /// One user, or everyone.
    func users(_ userID: String?) async throws -> [User] {
        try await store.users(after: nil, limit: 100_000).filter { userID == nil || $0.id == userID }
    }

    /// Each user's zone; the server's defaults for the day's start and the source order.
    func options(
        range: ClosedRange<LocalDate>, grouping: ReportGrouping, users: [User], dayStartsAt: DayStartTime?,
        priority: SourcePriority?
    ) -> ReportOptions {
        ReportOptions(
            grouping: grouping, range: range,
            timeZones: Dictionary(users.map { ($0.id, TimeZone(identifier: $0.timezone) ?? .gmt) }, uniquingKeysWith: { a, _ in a }),
            defaultTimeZone: TimeZone(identifier: configuration.defaultTimezone) ?? .gmt,
            dayStartsAt: dayStartsAt ?? configuration.dayStartsAt, priority: priority ?? configuration.sourcePriority,
            now: configuration.now())
    }
}
