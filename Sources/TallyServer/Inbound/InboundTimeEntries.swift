import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

/// What the Toggl and Clockify webhook routes share: whose entries they are, the rules that
/// categorise them, and applying one delivery to the store.
struct InboundTimeEntries: Sendable {
    let store: any TallyStore
    let rulesBook: CategoryRulesBook
    let syncUser: String?
    let goals: GoalBook
    let now: @Sendable () -> Date

    func apply(
        source: TimeEntrySource, eventID: String?, upserts: [RemoteTimeEntry], deletions: [String]
    ) async throws -> InboundOutcome {
        let userID = try await owner()
        let rules = try await rulesBook.rules()
        let instant = now()
        let entries = upserts.map { SyncEngine.entry(from: $0, source: source, userID: userID, rules: rules, at: instant) }
        let outcome = try await store.applyInbound(
            source: source, eventID: eventID, entries: entries, deletedExternalIDs: deletions, at: instant)
        await goals.noteTimeChanged(userIDs: [userID])
        return outcome
    }

    func cursor(_ source: TimeEntrySource) async throws -> String? {
        try await store.syncState(source: source)?.cursor
    }

    private func owner() async throws -> String {
        switch try await store.owner(syncUser) {
        case .user(let id): return id
        case .unknown(let id): throw APIError.unavailable("TALLY_SYNC_USER names '\(id)', which is not a user")
        case .noUsers: throw APIError.unavailable("create a user first: synced time belongs to a user")
        case .severalUsers: throw APIError.unavailable("set TALLY_SYNC_USER to the user synced time belongs to")
        }
    }

    static func answer(_ outcome: InboundOutcome) -> JSONValue {
        switch outcome {
        case .duplicate: return .object(["status": .string("duplicate")])
        case .applied(let counts):
            return .object([
                "status": .string("applied"), "created": .integer(Int64(counts.added)),
                "updated": .integer(Int64(counts.updated)), "deleted": .integer(Int64(counts.deleted)),
            ])
        }
    }
}
