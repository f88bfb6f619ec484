import ArgumentParser
import Foundation
import TallyCore
import TallyServer
import TallyStore

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reports: time per category, or progress against the goals.",
        subcommands: [TimeCommand.self, GoalsCommand.self], defaultSubcommand: TimeCommand.self)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    /// `--from` and `--to`, by default this ISO week (Monday to Sunday) in the server's zone.
    struct Range: ParsableArguments {
        @Option(help: "First day, YYYY-MM-DD (default: this week's Monday).")
        var from: String?

        @Option(help: "Last day, YYYY-MM-DD, included (default: this week's Sunday).")
        var to: String?

        func days(in zone: TimeZone) throws -> ClosedRange<LocalDate> {
            let monday = ISOWeek.monday(of: LocalDate(containing: Date(), in: zone))
            guard let first = try from.map(Self.parse) ?? monday as LocalDate?,
                let last = try to.map(Self.parse) ?? monday.adding(days: 6) as LocalDate?
            else { throw CLIError("--from and --to must be days written YYYY-MM-DD") }
            guard first <= last else { throw CLIError("--to must not be before --from") }
            guard first.distance(to: last) <= 3660 else { throw CLIError("--to must be at most ten years after --from") }
            return first...last
        }

        static func parse(_ text: String) throws -> LocalDate {
            guard let date = LocalDate(text) else { throw CLIError("'\(text)' is not a day written YYYY-MM-DD") }
            return date
        }
    }

    struct TimeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "time",
            abstract: "Time per category by day, week, month, source, description or category.",
            discussion: """
                Overlapping entries of one person are counted once ("merged"), the overlap going to
                the source that ranks first (--source-priority, default $TALLY_SOURCE_PRIORITY);
                "raw" counts every entry in full.
                """)

        @OptionGroup var range: Range

        @Option(name: .customLong("group-by"), help: "day, week, month, source, description or category.")
        var groupBy: String = "week"

        @Option(help: "One user's time (default: everyone's).")
        var user: String?

        @Option(name: .customLong("day-starts-at"), help: "HH:MM when a day begins (default $TALLY_DAY_STARTS_AT or 00:00).")
        var dayStartsAt: String?

        @Option(name: .customLong("source-priority"), help: "Comma-separated sources, first wins an overlap.")
        var sourcePriority: String?

        @Option(help: "table, csv or json.")
        var format: Format = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let configuration: ServerConfiguration
            do { configuration = try ServerConfiguration.fromEnvironment() } catch { throw CLIError(error.description) }
            guard let grouping = ReportGrouping(rawValue: groupBy) else {
                throw CLIError("--group-by must be one of \(ReportGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let dayStart = try dayStartsAt.map { text in
                guard let value = DayStartTime(text) else { throw CLIError("--day-starts-at must be HH:MM, not '\(text)'") }
                return value
            }
            let priority = try sourcePriority.map(Self.priority)
            let store = try databaseOptions.openStore()
            if let user, try await store.user(id: user) == nil { throw CLIError("no user has the id '\(user)'") }
            let days = try range.days(in: TimeZone(identifier: configuration.defaultTimezone) ?? .gmt)
            let report = try await CLIError.reporting {
                try await Reports(store: store, configuration: configuration).time(
                    range: days, grouping: grouping, userID: user, dayStartsAt: dayStart, priority: priority)
            }
            try show(report)
        }

        func show(_ report: TimeReport) throws {
            let key = report.grouping.rawValue
            switch format {
            case .table:
                let rows = report.rows.map { [$0.key, $0.category, Self.hours($0.seconds), Self.hours($0.rawSeconds)] }
                printTable([key, "category", "hours", "raw hours"], rows + [["total", "", Self.hours(report.totalSeconds), Self.hours(report.rawTotalSeconds)]])
            case .csv:
                var table = CSVTable(header: [key, "category", "seconds", "raw_seconds"])
                for row in report.rows { table.append([.text(row.key), .text(row.category), .number(row.seconds), .number(row.rawSeconds)]) }
                print(table.text, terminator: "")
            case .json:
                try printJSON(
                    TimeReportJSON(
                        from: report.range.lowerBound.description, to: report.range.upperBound.description, groupBy: key,
                        rows: report.rows.map { .init(key: $0.key, category: $0.category, seconds: $0.seconds, rawSeconds: $0.rawSeconds) },
                        totals: report.totals.map { .init(category: $0.category, seconds: $0.seconds, rawSeconds: $0.rawSeconds) },
                        totalSeconds: report.totalSeconds, rawTotalSeconds: report.rawTotalSeconds))
            }
        }

        static func priority(_ text: String) throws(CLIError) -> SourcePriority {
            do { return try SourcePriority(parsing: text) } catch {
                throw CLIError("--source-priority: \(error.errors.map(\.detail).joined(separator: "; "))")
            }
        }

        static func hours(_ seconds: Int) -> String { String(format: "%.2f", Double(seconds) / 3600) }
    }

    struct GoalsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "goals", abstract: "Days achieved, streaks and the leaderboard for a range.")

        @OptionGroup var range: Range

        @Option(help: "One user's progress (default: everyone's).")
        var user: String?

        @Option(help: "table, csv or json.")
        var format: Format = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let configuration: ServerConfiguration
            do { configuration = try ServerConfiguration.fromEnvironment() } catch { throw CLIError(error.description) }
            let store = try databaseOptions.openStore()
            if let user, try await store.user(id: user) == nil { throw CLIError("no user has the id '\(user)'") }
            let days = try range.days(in: TimeZone(identifier: configuration.defaultTimezone) ?? .gmt)
            let report = try await CLIError.reporting {
                try await Reports(store: store, configuration: configuration).goals(range: days, userID: user)
            }
            let streaks = Dictionary(report.users.map { ($0.userID, $0.dailyStreak) }, uniquingKeysWith: { a, _ in a })
            let rows = report.leaderboard.map { entry in
                [String(entry.rank), entry.userID, entry.name, String(entry.daysAchieved), String(entry.totalCount),
                 String(streaks[entry.userID]?.current ?? 0), String(streaks[entry.userID]?.longest ?? 0)]
            }
            let header = ["rank", "user_id", "name", "days_achieved", "total", "current_streak", "longest_streak"]
            switch format {
            case .table: printTable(header, rows)
            case .csv:
                var table = CSVTable(header: header)
                for row in rows { table.append(row.map { .text($0) }) }
                print(table.text, terminator: "")
            case .json:
                try printJSON(
                    report.leaderboard.map { entry in
                        LeaderboardJSON(
                            rank: entry.rank, userID: entry.userID, name: entry.name, daysAchieved: entry.daysAchieved,
                            total: entry.totalCount, currentStreak: streaks[entry.userID]?.current ?? 0,
                            longestStreak: streaks[entry.userID]?.longest ?? 0)
                    })
            }
        }
    }
}

struct TimeReportJSON: Encodable {
    struct Row: Encodable {
        var key: String
        var category: String
        var seconds: Int
        var rawSeconds: Int
        enum CodingKeys: String, CodingKey { case key, category, seconds, rawSeconds = "raw_seconds" }
    }
    /// Per category over the whole range.
    struct Total: Encodable {
        var category: String
        var seconds: Int
        var rawSeconds: Int
        enum CodingKeys: String, CodingKey { case category, seconds, rawSeconds = "raw_seconds" }
    }
    var from: String
    var to: String
    var groupBy: String
    var rows: [Row]
    var totals: [Total]
    var totalSeconds: Int
    var rawTotalSeconds: Int
    enum CodingKeys: String, CodingKey {
        case from, to, rows, totals, groupBy = "group_by", totalSeconds = "total_seconds", rawTotalSeconds = "raw_total_seconds"
    }
}

struct LeaderboardJSON: Encodable {
    var rank: Int
    var userID: String
    var name: String
    var daysAchieved: Int
    var total: Int
    var currentStreak: Int
    var longestStreak: Int
    enum CodingKeys: String, CodingKey {
        case rank, name, total, userID = "user_id", daysAchieved = "days_achieved", currentStreak = "current_streak"
        case longestStreak = "longest_streak"
    }
}
