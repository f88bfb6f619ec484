import Foundation
import Testing
@testable import TallyCore

@Suite struct DomainRulesTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    @Test func scopesAreOrdered() {
        #expect(Scope.read < Scope.write && Scope.write < Scope.admin)
        let key = APIKey(
            id: "key_1", name: "n", prefix: "tly_x", lookup: "x", secretHash: [], scopes: [.write], userID: nil,
            createdAt: now)
        #expect(key.allows(.read))
        #expect(key.allows(.write))
        #expect(!key.allows(.admin))
    }

    @Test func parsesScopeLists() {
        #expect(Scope.parseList("write, read,write") == [.read, .write])
        #expect(Scope.parseList("read,owner") == nil)
        #expect(Scope.parseList("") == nil)
    }

    @Test func revokedAndExpiredKeysAreInactive() {
        var key = APIKey(
            id: "key_1", name: "n", prefix: "tly_x", lookup: "x", secretHash: [], scopes: [.read], userID: nil,
            createdAt: now, expiresAt: now.addingTimeInterval(60))
        #expect(key.isActive(at: now))
        #expect(!key.isActive(at: now.addingTimeInterval(61)))
        key.expiresAt = nil
        key.revokedAt = now
        #expect(!key.isActive(at: now))
    }

    @Test func userValidationNamesEveryBadField() {
        let user = User(id: "bad id!", name: " ", email: "nope", timezone: "Mars/Olympus", createdAt: now, updatedAt: now)
        #expect(throws: ValidationError.self) { try user.validate() }
        do {
            try user.validate()
        } catch {
            #expect(Set(error.errors.map(\.pointer)) == ["#/id", "#/name", "#/email", "#/timezone"])
        }
    }

    @Test func dailyLogCountsMustBeNonNegative() {
        let log = DailyLog(
            id: "dl_1", userID: "u", date: LocalDate("2026-11-21")!, reviews: -1, demos: 2, callbacks: 3, createdAt: now,
            updatedAt: now)
        do {
            try log.validate()
            Issue.record("a negative count was accepted")
        } catch {
            #expect(error.errors == [FieldError(field: "reviews", "must be a whole number from 0 to 1000000")])
        }
    }

    @Test func mergePatchFollowsRFC7396() {
        let target: [String: JSONValue] = ["a": .string("b"), "c": .object(["d": .string("e"), "f": .string("g")])]
        let patch: [String: JSONValue] = ["a": .string("z"), "c": .object(["f": .null]), "n": .integer(1)]
        #expect(
            JSONValue.mergePatch(target, with: patch)
                == ["a": .string("z"), "c": .object(["d": .string("e")]), "n": .integer(1)])
    }

    @Test func generatedIdsSortByCreationTime() {
        let first = Identifier.make("dl", at: now)
        let second = Identifier.make("dl", at: now.addingTimeInterval(0.002))
        #expect(first.hasPrefix("dl_") && first.count == 29)
        #expect(first < second)
    }

    @Test func sequencedIdsHaveTheSameShapeAndNeverRepeat() async {
        let perTask = 50_000
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<perTask).map { _ in Identifier.makeSequenced("req", at: now) } }
            }
            return await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        #expect(ids.count == 4 * perTask)
        let alphabet = Set(Identifier.alphabet)
        #expect(ids.allSatisfy { $0.hasPrefix("req_") && $0.count == 30 && $0.utf8.dropFirst(4).allSatisfy(alphabet.contains) })
        #expect(ids.allSatisfy { $0.prefix(14) == Identifier.make("req", at: now).prefix(14) })
    }

    @Test func clientChosenIds() {
        #expect(Identifier.isValidClientChosen("user123"))
        #expect(Identifier.isValidClientChosen("jan.de-vries_2"))
        #expect(!Identifier.isValidClientChosen(""))
        #expect(!Identifier.isValidClientChosen("a/b"))
        #expect(!Identifier.isValidClientChosen(String(repeating: "a", count: 65)))
    }
}

@Suite struct AppointmentMetadataTests {
    @Test func unknownFieldsAndASentMetadataObjectAreKept() {
        let metadata = Appointment.metadata(fromUnknownFields: [
            "user_id": .string("u1"), "customer_name": .string("Jansen"), "windows": .integer(7), "id": .string("mine"),
            "metadata": .object(["crm_id": .string("A-17")]),
        ])
        #expect(metadata == ["windows": .integer(7), "id": .string("mine"), "crm_id": .string("A-17")])
    }
}
