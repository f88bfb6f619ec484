import Foundation
import Testing
import TallyCore
@testable import TallyStore

/// The store contract, run against a real SQLite file.
@Suite struct SQLiteStoreTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    func makeStore() throws -> (SQLiteStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tally.sqlite").path
        return (try SQLiteStore(path: path), path)
    }

    func user(_ id: String) -> User {
        User(id: id, name: "User \(id)", timezone: "Europe/Amsterdam", createdAt: now, updatedAt: now)
    }

    func log(_ id: String, user: String, date: String) -> DailyLog {
        DailyLog(
            id: id, userID: user, date: LocalDate(date)!, reviews: 5, demos: 3, callbacks: 2, createdAt: now,
            updatedAt: now)
    }

    @Test func usersRoundTripAndIdsAreUnique() async throws {
        let (store, _) = try makeStore()
        try await store.createUser(user("user123"))
        #expect(try await store.user(id: "user123") == user("user123"))
        await #expect(throws: TallyError.conflict(detail: "a user with id 'user123' already exists", existingID: "user123")) {
            try await store.createUser(user("user123"))
        }
    }

    @Test func oneDailyLogPerUserPerDay() async throws {
        let (store, _) = try makeStore()
        try await store.createUser(user("u1"))
        try await store.createDailyLog(log("dl_1", user: "u1", date: "2026-11-21"))
        do {
            try await store.createDailyLog(log("dl_2", user: "u1", date: "2026-11-21"))
            Issue.record("a second log for the same day was stored")
        } catch let TallyError.conflict(_, existingID) {
            #expect(existingID == "dl_1")
        }
        try await store.createDailyLog(log("dl_3", user: "u1", date: "2026-11-22"))
        await #expect(throws: TallyError.self) {
            _ = try await store.updateDailyLog(id: "dl_3") { $0.date = LocalDate("2026-11-21")! }
        }
        #expect(try await store.dailyLog(id: "dl_3")?.date.description == "2026-11-22")
    }

    @Test func logsNeedAnExistingUser() async throws {
        let (store, _) = try makeStore()
        await #expect(throws: TallyError.self) {
            try await store.createDailyLog(log("dl_1", user: "ghost", date: "2026-11-21"))
        }
        #expect(try await store.dailyLogs(DailyLogQuery()).isEmpty)
    }

    @Test func aFailedChangeWritesNothing() async throws {
        let (store, _) = try makeStore()
        try await store.createUser(user("u1"))
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await store.updateUser(id: "u1") { user in
                user.name = "Changed"
                throw Refused()
            }
        }
        #expect(try await store.user(id: "u1")?.name == "User u1")
    }

    @Test func dailyLogsPageByDateThenId() async throws {
        let (store, _) = try makeStore()
        for index in 1...3 { try await store.createUser(user("u\(index)")) }
        for (index, date) in ["2026-11-20", "2026-11-21", "2026-11-22"].enumerated() {
            for userIndex in 1...3 {
                try await store.createDailyLog(log("dl_\(date)_\(userIndex)", user: "u\(userIndex)", date: date))
            }
            _ = index
        }
        let firstPage = try await store.dailyLogs(DailyLogQuery(from: LocalDate("2026-11-21"), limit: 4))
        #expect(firstPage.map(\.id) == ["dl_2026-11-21_1", "dl_2026-11-21_2", "dl_2026-11-21_3", "dl_2026-11-22_1"])
        let last = try #require(firstPage.last)
        let secondPage = try await store.dailyLogs(
            DailyLogQuery(
                from: LocalDate("2026-11-21"), after: PageAfter(sortKey: last.date.description, id: last.id), limit: 4))
        #expect(secondPage.map(\.id) == ["dl_2026-11-22_2", "dl_2026-11-22_3"])
        let oneDay = try await store.dailyLogs(DailyLogQuery(userID: "u2", from: LocalDate("2026-11-20"), to: LocalDate("2026-11-20")))
        #expect(oneDay.map(\.id) == ["dl_2026-11-20_2"])
    }

    @Test func deletingAUserRemovesTheirDataAndRevokesTheirKeys() async throws {
        let (store, _) = try makeStore()
        try await store.createUser(user("u1"))
        try await store.createDailyLog(log("dl_1", user: "u1", date: "2026-11-21"))
        try await store.createAppointment(
            Appointment(
                id: "apt_1", userID: "u1", customerName: "Jansen", appointmentDate: "2026-11-23", startsAt: now,
                createdAt: now, updatedAt: now))
        let secret = APIKeySecret.generate()
        try await store.createAPIKey(
            secret.record(id: "key_1", name: "k", scopes: [.read], userID: "u1", createdAt: now, expiresAt: nil))
        #expect(try await store.deleteUser(id: "u1", at: now))
        #expect(try await store.dailyLog(id: "dl_1") == nil)
        #expect(try await store.appointment(id: "apt_1") == nil)
        #expect(try await store.apiKey(id: "key_1")?.revokedAt == now)
        #expect(try await !store.deleteUser(id: "u1", at: now))
    }

    @Test func appointmentMetadataRoundTrips() async throws {
        let (store, _) = try makeStore()
        try await store.createUser(user("u1"))
        let appointment = Appointment(
            id: "apt_1", userID: "u1", customerName: "Jansen", appointmentDate: "2026-11-23T14:00:00+01:00",
            startsAt: RFC3339.parse("2026-11-23T14:00:00+01:00")!, durationMinutes: 60,
            metadata: ["source": .string("web"), "windows": .integer(7), "nested": .object(["ok": .bool(true)])],
            createdAt: now, updatedAt: now)
        try await store.createAppointment(appointment)
        #expect(try await store.appointment(id: "apt_1") == appointment)
        let later = try await store.appointments(AppointmentQuery(from: RFC3339.parse("2026-11-23T13:30:00Z")))
        #expect(later.isEmpty)
        let earlier = try await store.appointments(AppointmentQuery(before: RFC3339.parse("2026-11-23T13:30:00Z")))
        #expect(earlier.map(\.id) == ["apt_1"])
    }

    @Test func apiKeysStoreOnlyAHash() async throws {
        let (store, path) = try makeStore()
        let secret = APIKeySecret.generate()
        try await store.createAPIKey(
            secret.record(id: "key_1", name: "k", scopes: [.read, .write], userID: nil, createdAt: now, expiresAt: nil))
        let stored = try #require(try await store.apiKey(lookup: secret.lookup))
        #expect(secret.matches(stored))
        #expect(APIKeySecret(presented: APIKeySecret.generate().value).map { $0.matches(stored) } == false)
        let fileBytes = try Data(contentsOf: URL(fileURLWithPath: path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(fileBytes.range(of: Data(secret.value.utf8)) == nil)
        #expect(try await store.revokeAPIKey(id: "key_1", at: now))
        #expect(try await store.apiKey(id: "key_1")?.isActive(at: now) == false)
    }

    @Test func idempotencyClaims() async throws {
        let (store, _) = try makeStore()
        let request = IdempotentRequest(apiKeyID: "key_1", key: "k1", fingerprint: "abc", at: now)
        #expect(try await store.beginIdempotentRequest(request) == .claimed)
        #expect(try await store.beginIdempotentRequest(request) == .inProgress)
        var other = request
        other.fingerprint = "def"
        #expect(try await store.beginIdempotentRequest(other) == .mismatch)
        let response = StoredResponse(status: 201, contentType: "application/json", location: "/v1/x", body: Array("{}".utf8))
        try await store.completeIdempotentRequest(request, response: response)
        #expect(try await store.beginIdempotentRequest(request) == .replay(response))
        try await store.purgeIdempotencyKeys(before: now.addingTimeInterval(1))
        #expect(try await store.beginIdempotentRequest(request) == .claimed)
        try await store.releaseIdempotentRequest(request)
        #expect(try await store.beginIdempotentRequest(request) == .claimed)
    }

    @Test func reopeningKeepsDataAndSchema() async throws {
        let (store, path) = try makeStore()
        try await store.createUser(user("u1"))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.user(id: "u1") != nil)
    }

    @Test func databaseLocations() throws {
        #expect(try DatabaseLocation.parse("tally.sqlite") == .sqlite(path: "tally.sqlite"))
        #expect(try DatabaseLocation.parse("sqlite:///var/lib/tally/tally.sqlite") == .sqlite(path: "/var/lib/tally/tally.sqlite"))
        #expect(try DatabaseLocation.parse("sqlite://data/t.sqlite") == .sqlite(path: "data/t.sqlite"))
        #expect(try DatabaseLocation.parse("postgres://u:secret@h/db") == .postgres(url: "postgres://u:secret@h/db"))
        #expect(try DatabaseLocation.parse("postgres://u:secret@h/db").redacted == "postgres://u:***@h/db")
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation.parse("mysql://h/db") }
        #expect(throws: TallyError.self) { try DatabaseLocation.postgres(url: "postgres://h/db").open() }
    }

    @Test func aMissingFolderIsAClearError() {
        #expect(throws: TallyError.self) { try SQLiteStore(path: "/nonexistent-\(UUID())/tally.sqlite") }
    }
}
