import Foundation
import Testing
import TallyClient
import TallyCore
import TallyStore

@Suite struct ResourcesTests {
    @Test func usersCanBeCreatedWithChosenIdsAndChanged() async throws {
        try await TestServer.run(configure: { $0.defaultTimezone = "Europe/Amsterdam" }) { server in
            let client = server.client()
            let created = try await client.createUser(id: "user123", name: "Ann de Vries", email: "ann@example.com")
            #expect(created.id == "user123")
            #expect(created.role == .member)
            #expect(created.timezone == "Europe/Amsterdam")
            let generated = try await client.createUser(name: "Bob", role: .manager, timezone: "America/New_York")
            #expect(generated.id.hasPrefix("usr_"))
            #expect(try await client.users().map(\.id).sorted() == [generated.id, "user123"].sorted())

            let duplicate = try await server.send(.POST, "/v1/users", json: #"{"id":"user123","name":"Again"}"#)
            #expect(duplicate.status == 409)
            #expect(try duplicate.json()["existing_id"] as? String == "user123")

            let patched = try await server.send(.PATCH, "/v1/users/user123", json: #"{"email":null,"role":"admin"}"#)
            #expect(patched.status == 200)
            let body = try patched.json()
            #expect(body["email"] == nil)
            #expect(body["role"] as? String == "admin")
            #expect(body["name"] as? String == "Ann de Vries")

            #expect(try await server.send(.DELETE, "/v1/users/user123").status == 204)
            let gone = try await server.send(.GET, "/v1/users/user123")
            #expect(gone.status == 404)
            #expect(gone.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func validationFailuresNameEachField() async throws {
        try await TestServer.run { server in
            let response = try await server.send(
                .POST, "/v1/users", json: #"{"id":"no spaces","name":"","timezone":"Mars/Base"}"#)
            #expect(response.status == 422)
            let problem = try response.json()
            let pointers = (problem["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String } ?? []
            #expect(Set(pointers) == ["#/id", "#/name", "#/timezone"])
            #expect(try await server.client().users().isEmpty)

            let missing = try await server.send(.POST, "/v1/daily-logs", json: #"{"user_id":"x","reviews":1}"#)
            #expect(missing.status == 422)
            #expect(missing.text.contains("#/demos"))

            let wrongType = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"x","reviews":"five","demos":1,"callbacks":1}"#)
            #expect(wrongType.status == 422)
            #expect(wrongType.text.contains("#/reviews"))
        }
    }

    @Test func dailyLogsByDateAndTheOnePerDayRule() async throws {
        try await TestServer.run { server in
            let client = server.client()
            _ = try await client.createUser(id: "user123", name: "Ann")
            _ = try await client.createUser(id: "user456", name: "Bob")
            let log = try await client.createDailyLog(userID: "user123", reviews: 5, demos: 3, callbacks: 2, date: "2026-11-20")
            #expect(log.id.hasPrefix("dl_"))
            #expect(log.date == "2026-11-20")
            _ = try await client.createDailyLog(userID: "user456", reviews: 1, demos: 1, callbacks: 1, date: "2026-11-20")
            _ = try await client.createDailyLog(userID: "user123", reviews: 0, demos: 0, callbacks: 0, date: "2026-11-21")

            #expect(try await client.dailyLogs(date: "2026-11-20").count == 2)
            #expect(try await client.dailyLogs(date: "2026-11-20", userID: "user123").map(\.id) == [log.id])
            #expect(try await client.dailyLogs(from: "2026-11-21", to: "2026-11-30").count == 1)

            let again = try await server.send(
                .POST, "/v1/daily-logs",
                json: #"{"user_id":"user123","date":"2026-11-20","reviews":9,"demos":9,"callbacks":9}"#)
            #expect(again.status == 409)
            #expect(try again.json()["existing_id"] as? String == log.id)
            #expect(try await client.dailyLog(id: log.id).reviews == 5)

            let updated = try await client.updateDailyLog(id: log.id, reviews: 7, notes: "good day")
            #expect(updated.reviews == 7 && updated.demos == 3 && updated.notes == "good day")
            let cleared = try await server.send(.PATCH, "/v1/daily-logs/\(log.id)", json: #"{"notes":null}"#)
            #expect(try cleared.json()["notes"] == nil)
            #expect(try await client.dailyLog(id: log.id).notes == nil)

            let badDate = try await server.send(.GET, "/v1/daily-logs?date=2026-02-30")
            #expect(badDate.status == 400)
            let unknownUser = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"ghost","reviews":1,"demos":1,"callbacks":1}"#)
            #expect(unknownUser.status == 422)
            #expect(unknownUser.text.contains("#/user_id"))

            try await client.deleteDailyLog(id: log.id)
            #expect(try await server.send(.GET, "/v1/daily-logs/\(log.id)").status == 404)
        }
    }

    @Test func failedChangesLeaveTheDataAsItWas() async throws {
        try await TestServer.run { server in
            let client = server.client()
            _ = try await client.createUser(id: "u1", name: "Ann", timezone: "Europe/Amsterdam")
            let first = try await client.createDailyLog(userID: "u1", reviews: 1, demos: 1, callbacks: 1, date: "2026-11-20")
            let second = try await client.createDailyLog(userID: "u1", reviews: 2, demos: 2, callbacks: 2, date: "2026-11-21")
            let moved = try await server.send(
                .PATCH, "/v1/daily-logs/\(second.id)", json: #"{"date":"2026-11-20","reviews":9}"#)
            #expect(moved.status == 409)
            #expect(try moved.json()["existing_id"] as? String == first.id)
            let unchanged = try await client.dailyLog(id: second.id)
            #expect(unchanged.date == "2026-11-21" && unchanged.reviews == 2)

            let badZone = try await server.send(.PATCH, "/v1/users/u1", json: #"{"name":"Changed","timezone":"Nowhere/City"}"#)
            #expect(badZone.status == 422)
            let user = try await client.user(id: "u1")
            #expect(user.name == "Ann" && user.timezone == "Europe/Amsterdam")
        }
    }

    @Test func createdAPIKeysAreNeverStored() async throws {
        try await TestServer.run { server in
            let response = try await server.send(
                .POST, "/v1/api-keys", headers: [("Idempotency-Key", "key-1")], json: #"{"name":"CRM","scopes":["read"]}"#)
            #expect(response.status == 201)
            let secret = try #require(try response.json()["key"] as? String)
            #expect(try await server.send(.GET, "/v1/users", key: secret).status == 200)
            let files = ["", "-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: server.databasePath + $0)) }
            #expect(!files.isEmpty)
            for bytes in files { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        }
    }

    @Test func expiredKeysAre401() async throws {
        try await TestServer.run { server in
            let secret = APIKeySecret.generate()
            try await server.store.createAPIKey(
                secret.record(
                    id: "key_old", name: "old", scopes: [.read], userID: nil, createdAt: Date().addingTimeInterval(-7200),
                    expiresAt: Date().addingTimeInterval(-60)))
            #expect(try await server.send(.GET, "/v1/users", key: secret.value).status == 401)
            let past = try await server.send(
                .POST, "/v1/api-keys", json: #"{"name":"late","expires_at":"2020-01-01T00:00:00Z"}"#)
            #expect(past.status == 422)
        }
    }

    @Test func dateDefaultsToTodayInTheUsersTimezone() async throws {
        // 23:30 UTC on the 21st is already the 22nd in Kiritimati (UTC+14) and the 21st in Honolulu.
        let instant = RFC3339.parse("2026-11-21T23:30:00Z")!
        try await TestServer.run(configure: { $0.now = { instant } }) { server in
            let client = server.client()
            _ = try await client.createUser(id: "east", name: "East", timezone: "Pacific/Kiritimati")
            _ = try await client.createUser(id: "west", name: "West", timezone: "Pacific/Honolulu")
            #expect(try await client.createDailyLog(userID: "east", reviews: 1, demos: 0, callbacks: 0).date == "2026-11-22")
            #expect(try await client.createDailyLog(userID: "west", reviews: 1, demos: 0, callbacks: 0).date == "2026-11-21")
        }
    }

    @Test func dailyLogsPaginateWithCursors() async throws {
        try await TestServer.run { server in
            let client = server.client()
            for index in 0..<5 { _ = try await client.createUser(id: "u\(index)", name: "U\(index)") }
            for index in 0..<5 {
                _ = try await client.createDailyLog(userID: "u\(index)", reviews: index, demos: 0, callbacks: 0, date: "2026-11-21")
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/v1/daily-logs?date=2026-11-21&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await server.send(.GET, query).json()
                seen += (page["daily_logs"] as? [[String: Any]] ?? []).compactMap { $0["user_id"] as? String }
                cursor = page["next_cursor"] as? String
                pages += 1
            } while cursor != nil
            #expect(pages == 3)
            #expect(seen.sorted() == ["u0", "u1", "u2", "u3", "u4"])
            #expect(try await server.send(.GET, "/v1/daily-logs?cursor=%%%").status == 400)
            #expect(try await server.send(.GET, "/v1/daily-logs?limit=0").status == 400)
        }
    }

    @Test func appointmentsKeepExtraFieldsAsMetadata() async throws {
        try await TestServer.run(configure: { $0.defaultTimezone = "Europe/Amsterdam" }) { server in
            let client = server.client()
            _ = try await client.createUser(id: "user123", name: "Ann", timezone: "Europe/Amsterdam")
            let response = try await server.send(
                .POST, "/v1/appointments",
                json: #"""
                    {"user_id":"user123","customer_name":"Familie Jansen","appointment_date":"2026-11-23T14:00:00+01:00",
                     "duration_minutes":90,"address":"Dorpsstraat 1","windows":7,"lead_source":"website",
                     "extras":{"sliding_door":true}}
                    """#)
            #expect(response.status == 201)
            #expect(response.header("Location")?.hasPrefix("/v1/appointments/apt_") == true)
            let body = try response.json()
            #expect(body["status"] as? String == "scheduled")
            let metadata = try #require(body["metadata"] as? [String: Any])
            #expect(metadata["windows"] as? Int == 7)
            #expect(metadata["lead_source"] as? String == "website")
            #expect((metadata["extras"] as? [String: Any])?["sliding_door"] as? Bool == true)
            #expect(metadata["customer_name"] == nil)
            let id = try #require(body["id"] as? String)

            let viaClient = try await client.createAppointment(
                userID: "user123", customerName: "Pietersen", appointmentDate: "2026-11-24", extra: ["windows": 3])
            #expect(viaClient.metadata.additionalProperties.value["windows"] as? Int == 3)

            #expect(try await client.appointments(from: "2026-11-23", to: "2026-11-23").map(\.id) == [id])
            #expect(try await client.appointments(from: "2026-11-24").map(\.id) == [viaClient.id])
            #expect(try await client.appointments(status: .completed).isEmpty)

            let patched = try await server.send(
                .PATCH, "/v1/appointments/\(id)",
                json: #"{"status":"completed","address":null,"metadata":{"windows":8,"lead_source":null}}"#)
            let patchedBody = try patched.json()
            #expect(patchedBody["status"] as? String == "completed")
            #expect(patchedBody["address"] == nil)
            #expect((patchedBody["metadata"] as? [String: Any])?["windows"] as? Int == 8)
            #expect((patchedBody["metadata"] as? [String: Any])?["lead_source"] == nil)

            let bad = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"user123","customer_name":"X","appointment_date":"next tuesday"}"#)
            #expect(bad.status == 422)
            #expect(bad.text.contains("#/appointment_date"))
            let badStatus = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"user123","customer_name":"X","appointment_date":"2026-11-23","status":"maybe"}"#)
            #expect(badStatus.status == 422)
            #expect(badStatus.text.contains("#/status"))
            #expect(try await client.appointments().count == 2)
        }
    }

    @Test func idempotencyKeysReplayAndRefuseReuse() async throws {
        try await TestServer.run { server in
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            let body = #"{"user_id":"u1","date":"2026-11-21","reviews":1,"demos":2,"callbacks":3}"#
            let first = try await server.send(.POST, "/v1/daily-logs", headers: [("Idempotency-Key", "abc-1")], json: body)
            #expect(first.status == 201)
            let replay = try await server.send(.POST, "/v1/daily-logs", headers: [("Idempotency-Key", "abc-1")], json: body)
            #expect(replay.status == 201)
            #expect(replay.body == first.body)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(try await server.client().dailyLogs().count == 1)

            let other = try await server.send(
                .POST, "/v1/daily-logs", headers: [("Idempotency-Key", "abc-1")],
                json: #"{"user_id":"u1","date":"2026-11-22","reviews":1,"demos":2,"callbacks":3}"#)
            #expect(other.status == 422)
            #expect(try await server.client().dailyLogs().count == 1)

            // A failed request frees its key: the corrected retry succeeds.
            let failed = try await server.send(
                .POST, "/v1/daily-logs", headers: [("Idempotency-Key", "abc-2")],
                json: #"{"user_id":"ghost","date":"2026-11-22","reviews":1,"demos":2,"callbacks":3}"#)
            #expect(failed.status == 422)
            let corrected = try await server.send(
                .POST, "/v1/daily-logs", headers: [("Idempotency-Key", "abc-2")],
                json: #"{"user_id":"u1","date":"2026-11-22","reviews":1,"demos":2,"callbacks":3}"#)
            #expect(corrected.status == 201)

            // Appointments replay the same way, and keys are per API key.
            let booking = #"{"user_id":"u1","customer_name":"Jansen","appointment_date":"2026-11-23","windows":2}"#
            let booked = try await server.send(.POST, "/v1/appointments", headers: [("Idempotency-Key", "b-1")], json: booking)
            let rebooked = try await server.send(.POST, "/v1/appointments", headers: [("Idempotency-Key", "b-1")], json: booking)
            #expect(booked.status == 201 && rebooked.body == booked.body)
            let otherKey = try await server.makeKey([.write])
            let elsewhere = try await server.send(
                .POST, "/v1/appointments", key: otherKey, headers: [("Idempotency-Key", "b-1")], json: booking)
            #expect(elsewhere.status == 201 && elsewhere.body != booked.body)
            #expect(try await server.client().appointments().count == 2)
        }
    }
}
