import Foundation
import HummingbirdBcrypt
import Testing
import TallyCore
import TallyStore

/// Who may read and change whose records (docs/api.md, "Who may do what"): through keys bound
/// to users, unbound keys and dashboard sessions.
@Suite struct AccessTests {
    /// alice and bob are members, mia a manager; bob has a daily log, an appointment and a time entry.
    struct Team {
        let server: TestServer
        let alice: String
        let bobLog: String
        let bobAppointment: String
        let bobEntry: String
    }

    static func team(_ server: TestServer) async throws -> Team {
        for user in [#"{"id":"alice","name":"Alice"}"#, #"{"id":"bob","name":"Bob"}"#, #"{"id":"mia","name":"Mia","role":"manager"}"#] {
            #expect(try await server.send(.POST, "/v1/users", json: user).status == 201)
        }
        func id(_ response: RawResponse) throws -> String {
            guard response.status == 201, let id = try response.json()["id"] as? String else {
                throw TestFailure("not created: \(response.text)")
            }
            return id
        }
        let log = try id(try await server.send(
            .POST, "/v1/daily-logs", json: #"{"user_id":"bob","date":"2026-12-01","reviews":1,"demos":2,"callbacks":3}"#))
        let appointment = try id(try await server.send(
            .POST, "/v1/appointments",
            json: #"{"user_id":"bob","customer_name":"Familie Jansen","customer_phone":"+31 6 1234","appointment_date":"2026-12-10T14:00:00+01:00"}"#))
        let entry = try id(try await server.send(
            .POST, "/v1/time-entries",
            json: #"{"user_id":"bob","description":"Call","start":"2026-12-01T09:00:00Z","stop":"2026-12-01T10:00:00Z"}"#))
        return Team(
            server: server, alice: try await server.makeKey([.read, .write], userID: "alice"), bobLog: log,
            bobAppointment: appointment, bobEntry: entry)
    }

    @Test func aMembersKeyChangesOnlyTheirOwnRecords() async throws {
        try await TestServer.run { server in
            let team = try await Self.team(server)
            let key = team.alice
            // Daily logs: the team's are readable (the team views), only one's own writable.
            let logs = try await server.send(.GET, "/v1/daily-logs", key: key)
            #expect(logs.status == 200 && logs.text.contains(team.bobLog))
            #expect(try await server.send(.GET, "/v1/daily-logs/\(team.bobLog)", key: key).status == 200)
            #expect(try await server.send(.PATCH, "/v1/daily-logs/\(team.bobLog)", key: key, json: #"{"reviews":99}"#).status == 403)
            #expect(try await server.send(.DELETE, "/v1/daily-logs/\(team.bobLog)", key: key).status == 403)
            let forBob = try await server.send(
                .POST, "/v1/daily-logs", key: key, json: #"{"user_id":"bob","date":"2026-12-02","reviews":1,"demos":0,"callbacks":0}"#)
            #expect(forBob.status == 403)
            let own = try await server.send(
                .POST, "/v1/daily-logs", key: key, json: #"{"user_id":"alice","date":"2026-12-02","reviews":1,"demos":0,"callbacks":0}"#)
            #expect(own.status == 201)
            let ownID = try #require(try own.json()["id"] as? String)
            #expect(try await server.send(.PATCH, "/v1/daily-logs/\(ownID)", key: key, json: #"{"reviews":2}"#).status == 200)

            // Appointments and time entries of others do not exist for a member.
            for path in ["/v1/appointments/\(team.bobAppointment)", "/v1/time-entries/\(team.bobEntry)"] {
                #expect(try await server.send(.GET, path, key: key).status == 404)
                #expect(try await server.send(.PATCH, path, key: key, json: #"{"notes":"mine now"}"#).status == 404)
                #expect(try await server.send(.DELETE, path, key: key).status == 404)
            }
            let appointments = try await server.send(.GET, "/v1/appointments", key: key)
            #expect(appointments.status == 200 && !appointments.text.contains("Familie Jansen"))
            let entries = try await server.send(.GET, "/v1/time-entries", key: key)
            #expect(entries.status == 200 && !entries.text.contains(team.bobEntry))
            for path in [
                "/v1/appointments?user_id=bob", "/v1/time-entries?user_id=bob",
                "/v1/reports/time?from=2026-12-01&to=2026-12-07&user_id=bob",
                "/v1/exports/time-entries?from=2026-12-01&to=2026-12-07&user_id=bob",
                "/v1/exports/appointments?from=2026-12-01&to=2026-12-31&user_id=bob",
            ] {
                let refused = try await server.send(.GET, path, key: key)
                #expect(refused.status == 403, "\(path): \(refused.text)")
            }
            let report = try await server.send(.GET, "/v1/reports/time?from=2026-12-01&to=2026-12-07", key: key)
            #expect(report.status == 200 && !report.text.contains("\"bob\""), "\(report.text)")
            let export = try await server.send(.GET, "/v1/exports/appointments?from=2026-12-01&to=2026-12-31", key: key)
            #expect(export.status == 200 && !export.text.contains("Familie Jansen"))
            #expect(try await server.send(.GET, "/v1/reports/goals?from=2026-12-01&to=2026-12-07", key: key).status == 200)
            #expect(
                try await server.send(
                    .POST, "/v1/time-entries", key: key,
                    json: #"{"user_id":"bob","description":"x","start":"2026-12-01T09:00:00Z"}"#
                ).status == 403)

            // Nothing of bob's changed.
            #expect(try await server.store.dailyLog(id: team.bobLog)?.reviews == 1)
            #expect(try await server.store.appointment(id: team.bobAppointment) != nil)
            #expect(try await server.store.timeEntry(id: team.bobEntry)?.description == "Call")
        }
    }

    @Test func unboundKeysAndManagersActForTheWholeTeam() async throws {
        try await TestServer.run { server in
            let team = try await Self.team(server)
            let integration = try await server.makeKey([.read, .write])
            let manager = try await server.makeKey([.read, .write], userID: "mia")
            for key in [integration, manager] {
                #expect(try await server.send(.GET, "/v1/appointments/\(team.bobAppointment)", key: key).status == 200)
                #expect(try await server.send(.PATCH, "/v1/daily-logs/\(team.bobLog)", key: key, json: #"{"reviews":5}"#).status == 200)
                #expect(try await server.send(.PATCH, "/v1/time-entries/\(team.bobEntry)", key: key, json: #"{"category":"Sales"}"#).status == 200)
                let list = try await server.send(.GET, "/v1/appointments?user_id=bob", key: key)
                #expect(list.status == 200 && list.text.contains("Familie Jansen"))
            }
            // A member made manager acts for the team at once (the read cache is per audience).
            let before = try await server.send(.GET, "/v1/appointments", key: team.alice)
            #expect(!before.text.contains("Familie Jansen"))
            #expect(try await server.send(.PATCH, "/v1/users/alice", json: #"{"role":"manager"}"#).status == 200)
            let after = try await server.send(.GET, "/v1/appointments", key: team.alice)
            #expect(after.text.contains("Familie Jansen"))
        }
    }

    @Test func aMembersDashboardSessionCannotDeleteTheAdminsDailyLog() async throws {
        try await TestServer.run(configure: DashboardTests.fast) { server in
            try await DashboardTests.setUp(CookieBrowser(server.baseURL))
            let adminLog = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"ann","date":"2026-12-01","reviews":4,"demos":0,"callbacks":0}"#)
            let logID = try #require(try adminLog.json()["id"] as? String)
            #expect(try await server.send(.POST, "/v1/users", json: #"{"id":"mo","name":"Mo"}"#).status == 201)
            #expect(try await server.store.setPasswordHash(userID: "mo", Bcrypt.hash("member horse", cost: 4)))

            let browser = CookieBrowser(server.baseURL)
            let form = try await browser.get("/sign-in")
            let signedIn = try await browser.post(
                "/sign-in", form: [("csrf", form.csrf ?? ""), ("login", "mo"), ("password", "member horse"), ("next", "/")])
            #expect(signedIn.status == 303)
            let page = try await browser.get("/")
            let token = try #require(
                page.body.range(of: #"data-csrf=""#).map { String(page.body[$0.upperBound...].prefix { $0 != "\"" }) })
            let deleted = try await browser.send(
                .DELETE, "/v1/daily-logs/\(logID)", body: nil, contentType: nil, headers: [("X-CSRF-Token", token)])
            #expect(deleted.status == 403)
            #expect(try await server.store.dailyLog(id: logID) != nil)
            let own = try await browser.send(
                .POST, "/v1/daily-logs", body: #"{"user_id":"mo","date":"2026-12-01","reviews":1,"demos":0,"callbacks":0}"#,
                contentType: "application/json", headers: [("X-CSRF-Token", token)])
            #expect(own.status == 201)
        }
    }
}
