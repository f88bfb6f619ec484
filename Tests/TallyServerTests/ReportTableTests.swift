import Foundation
import Testing
import TallyCore
import TallyServer
import TallyStore

/// The server's in-memory report spans: reports from it must equal reports read from the
/// database after any change, made through the API, the store, or another connection.
@Suite struct ReportTableTests {
    static let now = RFC3339.parse("2026-11-20T12:00:00Z")!

    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.now = { Self.now }
        configuration.defaultTimezone = "Europe/Amsterdam"
        configuration.rateLimit = 100_000
    }

    /// What the database says, read without the table (the CLI's way).
    static func expected(_ store: any TallyStore, grouping: ReportGrouping, userID: String?) async throws -> [String] {
        var configuration = ServerConfiguration()
        configure(&configuration)
        let report = try await Reports(store: store, configuration: configuration).time(
            range: LocalDate("2026-01-01")!...LocalDate("2026-12-31")!, grouping: grouping, userID: userID)
        return report.rows.map { "\($0.key) \($0.category) \($0.seconds) \($0.rawSeconds)" }
    }

    static func served(_ server: TestServer, grouping: ReportGrouping, userID: String?) async throws -> [String] {
        let user = userID.map { "&user_id=\($0)" } ?? ""
        let response = try await server.send(
            .GET, "/v1/reports/time?from=2026-01-01&to=2026-12-31&group_by=\(grouping.rawValue)\(user)")
        guard response.status == 200 else { throw TestFailure(response.text) }
        return try ReportsTests.rows(response).map { "\($0.key) \($0.category) \($0.seconds) \($0.raw)" }
    }

    static func tableEntries(_ server: TestServer) async throws -> Int? {
        let text = try await server.send(.GET, "/metrics", key: .some(nil)).text
        let line = text.split(separator: "\n").first { $0.hasPrefix("tally_report_table_entries ") }
        return line.flatMap { Double($0.split(separator: " ").last!) }.map { Int($0) }
    }

    static func entry(_ number: Int, user: String, random: inout some RandomNumberGenerator) -> TimeEntry {
        let sources: [TimeEntrySource] = [.toggl, .clockify, .appleHealth, .manual]
        let start = Self.now.addingTimeInterval(-Double(Int.random(in: 0...(300 * 86_400), using: &random)))
        let running = Int.random(in: 0..<25, using: &random) == 0
        return TimeEntry(
            id: "te_\(number)", userID: user, source: sources.randomElement(using: &random)!, externalID: "x\(number)",
            description: "entry \(number)", category: ["Deep work", "Meetings", "Sport"].randomElement(using: &random)!,
            start: start, stop: running ? nil : start.addingTimeInterval(Double(Int.random(in: 60...(5 * 3600), using: &random))),
            createdAt: Self.now, updatedAt: Self.now)
    }

    @Test func reportsFollowEveryChangeWhoeverMakesIt() async throws {
        try await TestServer.run(configure: Self.configure) { server in
            try await ReportsTests.createUser(server, "ann", zone: "Europe/Amsterdam")
            try await ReportsTests.createUser(server, "bob", zone: "America/New_York")
            let other = try SQLiteStore(path: server.databasePath)
            var random = SplitMix64(seed: 7)
            var next = 0
            var ids: [String] = []
            for step in 0..<24 {
                switch step % 4 {
                case 0:
                    // A sync's batch, written by the server's own store.
                    var batch: [TimeEntry] = []
                    for _ in 0..<40 {
                        batch.append(Self.entry(next, user: ["ann", "bob"].randomElement(using: &random)!, random: &random))
                        ids.append("te_\(next)")
                        next += 1
                    }
                    _ = try await server.store.upsertTimeEntries(batch)
                case 1:
                    // Another process moves and recategorises entries.
                    for id in ids.shuffled(using: &random).prefix(5) {
                        _ = try await other.updateTimeEntry(id: id) { entry in
                            entry.category = "Moved"
                            entry.start = entry.start.addingTimeInterval(-7200)
                        }
                    }
                case 2:
                    // Deleted through the API and by the other process.
                    let id = ids.removeFirst()
                    #expect(try await server.send(.DELETE, "/v1/time-entries/\(id)").status == 204)
                    _ = try await other.deleteTimeEntry(id: ids.removeLast(), at: Self.now)
                default:
                    // Nothing changed: the table answers as it is.
                    break
                }
                for grouping in [ReportGrouping.week, .category, .source] {
                    #expect(
                        try await Self.served(server, grouping: grouping, userID: nil)
                            == Self.expected(server.store, grouping: grouping, userID: nil), "step \(step), \(grouping)")
                }
                #expect(
                    try await Self.served(server, grouping: .day, userID: "bob")
                        == Self.expected(server.store, grouping: .day, userID: "bob"), "step \(step), bob by day")
            }
            #expect(try await Self.tableEntries(server) == ids.count, "the reports came from the table")
            // Descriptions are not in the table; the report reads them from the database.
            #expect(
                try await Self.served(server, grouping: .description, userID: nil)
                    == Self.expected(server.store, grouping: .description, userID: nil))
        }
    }

    @Test func moreEntriesThanTheTableHoldsAreReadFromTheDatabase() async throws {
        try await TestServer.run(configure: {
            Self.configure(&$0)
            $0.reportTableEntries = 10
        }) { server in
            try await ReportsTests.createUser(server, "ann", zone: "Europe/Amsterdam")
            var random = SplitMix64(seed: 3)
            _ = try await server.store.upsertTimeEntries((0..<25).map { Self.entry($0, user: "ann", random: &random) })
            #expect(
                try await Self.served(server, grouping: .week, userID: nil)
                    == Self.expected(server.store, grouping: .week, userID: nil))
            #expect(try await Self.tableEntries(server) == 0)
        }
    }
}
