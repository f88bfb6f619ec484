import Foundation
import Testing
import TallyCore
import TallyStore

/// The change counter caches rely on: it must move on every commit, by any connection.
@Suite struct ChangeCounterTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    @Test func movesOnCommitsFromThisStoreAndFromAnotherConnection() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-changes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tally.sqlite").path
        let store = try SQLiteStore(path: path)
        let changes = try #require(store.changes)

        let first = try #require(changes.current())
        _ = try await store.users(after: nil, limit: 10)
        #expect(changes.current() == first, "a read is not a change")

        try await store.createUser(User(id: "u1", name: "Ann", timezone: "UTC", createdAt: now, updatedAt: now))
        let second = try #require(changes.current())
        #expect(second != first)

        // Another connection stands in for the CLI or a second server on the same file.
        let other = try SQLiteStore(path: path)
        try await other.createUser(User(id: "u2", name: "Bob", timezone: "UTC", createdAt: now, updatedAt: now))
        let third = try #require(changes.current())
        #expect(third != second)
        #expect(changes.current() == third)
    }
}
