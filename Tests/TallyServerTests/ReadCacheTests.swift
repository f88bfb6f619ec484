import Foundation
import Testing
import TallyCore
import TallyStore

/// Reads of users, daily logs and appointments answered from memory while the database is
/// unchanged: never stale, whoever changed the database, and with ETags for pollers.
@Suite struct ReadCacheTests {
    let now = Date()

    /// Database reads so far, from the server's own metrics.
    func databaseReads(_ server: TestServer) async throws -> Int {
        let text = try await server.send(.GET, "/metrics", key: .some(nil)).text
        let line = text.split(separator: "\n").first { $0.hasPrefix(#"tally_db_operation_duration_seconds_count{access="read"}"#) }
        return Int(line?.split(separator: " ").last ?? "0") ?? 0
    }

    @Test func anUnchangedReadIsServedWithoutTheDatabaseAndKeepsItsETag() async throws {
        // No webhook delivery: its poll would read the database once a second.
        try await TestServer.run(configure: { $0.webhookDeliveryEnabled = false }) { server in
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            _ = try await server.client().createDailyLog(userID: "u1", reviews: 1, demos: 2, callbacks: 3, date: "2026-11-20")
            let first = try await server.send(.GET, "/v1/daily-logs?date=2026-11-20")
            #expect(first.status == 200)
            let etag = try #require(first.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))

            let reads = try await databaseReads(server)
            for _ in 0..<20 {
                let again = try await server.send(.GET, "/v1/daily-logs?date=2026-11-20")
                #expect(again.status == 200)
                #expect(again.body == first.body)
                #expect(again.header("ETag") == etag)
                #expect(again.header("Content-Type") == first.header("Content-Type"))
                #expect(again.header("X-RateLimit-Remaining") != nil, "limits still apply to answers from memory")
            }
            // From the database, each would read the key and the logs (40 reads); a background
            // read (the report table's first load) may still fall in between.
            #expect(try await databaseReads(server) - reads < 5, "the key and the answer came from memory")

            let fresh = try await server.send(.GET, "/v1/daily-logs?date=2026-11-20", headers: [("Cache-Control", "no-cache")])
            #expect(NSDictionary(dictionary: try fresh.json()) == NSDictionary(dictionary: try first.json()))
            #expect(try await databaseReads(server) > reads, "no-cache reads the database")
        }
    }

    @Test func ifNoneMatchGets304UntilTheDataChanges() async throws {
        try await TestServer.run { server in
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            let log = try await server.client().createDailyLog(userID: "u1", reviews: 1, demos: 2, callbacks: 3, date: "2026-11-20")
            let first = try await server.send(.GET, "/v1/daily-logs/\(log.id)")
            let etag = try #require(first.header("ETag"))

            let unchanged = try await server.send(.GET, "/v1/daily-logs/\(log.id)", headers: [("If-None-Match", etag)])
            #expect(unchanged.status == 304)
            #expect(unchanged.body.isEmpty)
            #expect(unchanged.header("ETag") == etag)
            let listed = try await server.send(.GET, "/v1/daily-logs/\(log.id)", headers: [("If-None-Match", #""other", "# + etag)])
            #expect(listed.status == 304)
            #expect(try await server.send(.GET, "/v1/daily-logs/\(log.id)", headers: [("If-None-Match", #""other""#)]).status == 200)

            _ = try await server.client().updateDailyLog(id: log.id, reviews: 9)
            let changed = try await server.send(.GET, "/v1/daily-logs/\(log.id)", headers: [("If-None-Match", etag)])
            #expect(changed.status == 200)
            #expect(try changed.json()["reviews"] as? Int == 9)
            #expect(changed.header("ETag") != etag)
        }
    }

    @Test func anUnrelatedWriteKeepsTheETagOfUnchangedData() async throws {
        try await TestServer.run { server in
            for number in 1...5 {
                _ = try await server.client().createUser(id: "u\(number)", name: "Rep \(number)")
                _ = try await server.client().createDailyLog(
                    userID: "u\(number)", reviews: number, demos: 2, callbacks: 3, date: "2026-11-20", notes: "day \(number)")
            }
            let first = try await server.send(.GET, "/v1/daily-logs?date=2026-11-20")
            let etag = try #require(first.header("ETag"))
            for day in 10...14 {
                // Empties the read cache, so the list is read and encoded again.
                _ = try await server.client().createDailyLog(userID: "u1", reviews: 0, demos: 0, callbacks: 0, date: "2026-11-\(day)")
                let again = try await server.send(.GET, "/v1/daily-logs?date=2026-11-20", headers: [("If-None-Match", etag)])
                #expect(again.status == 304, "the same logs encode to the same bytes")
            }
        }
    }

    @Test func changesByAnotherConnectionShowAtOnce() async throws {
        try await TestServer.run { server in
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            let key = try await server.makeKey([.read])
            let before = try await server.send(.GET, "/v1/users", key: key)
            #expect((try before.json()["users"] as? [Any])?.count == 1)
            _ = try await server.send(.GET, "/v1/users", key: key)

            // A second store on the same file: what the CLI or another server would do.
            let other = try SQLiteStore(path: server.databasePath)
            try await other.createUser(User(id: "u2", name: "Bob", timezone: "UTC", createdAt: now, updatedAt: now))
            let after = try await server.send(.GET, "/v1/users", key: key)
            #expect((try after.json()["users"] as? [Any])?.count == 2)

            let keys = try await other.apiKeys().filter { $0.revokedAt == nil && $0.scopes == [.read] }
            for kept in keys { _ = try await other.revokeAPIKey(id: kept.id, at: now) }
            #expect(try await server.send(.GET, "/v1/users", key: key).status == 401)
        }
    }

    @Test func errorsAndOtherRoutesAreNotKept() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.GET, "/v1/daily-logs/dl_missing").status == 404)
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            let log = try await server.client().createDailyLog(userID: "u1", reviews: 1, demos: 2, callbacks: 3, date: "2026-11-20")
            let found = try await server.send(.GET, "/v1/daily-logs/\(log.id)")
            #expect(found.status == 200)
            #expect(try await server.send(.GET, "/v1/daily-logs/\(log.id)", key: .some(nil)).status == 401)
            #expect(try await server.send(.GET, "/v1/sync/status").header("ETag") == nil)
        }
    }

    @Test func theCacheCanBeTurnedOff() async throws {
        try await TestServer.run(configure: { $0.readCacheBytes = 0 }) { server in
            let first = try await server.send(.GET, "/v1/users")
            #expect(first.status == 200)
            #expect(first.header("ETag") == nil)
        }
    }
}
