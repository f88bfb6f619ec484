import Foundation
import TallyCore

/// Clockify as a sync source and a timer. Clockify has no change feed and its listing does not
/// show deletions, so every cycle re-reads the whole window and says so (`completeWindow`): the
/// engine then deletes stored entries the listing no longer has.
public struct ClockifySync: SyncSource, TimerSource {
    public let client: ClockifyClient
    /// The workspace to read; nil means the user's active one.
    public let workspaceID: String?
    /// What this process learnt (account, names), so timer calls after a sync make no extra requests.
    let session = ClockifySession()

    public init(client: ClockifyClient, workspaceID: String? = nil) {
        self.client = client
        self.workspaceID = workspaceID
    }

    public var source: TimeEntrySource { .clockify }

    public func changes(in window: DateInterval, cursor: String?, now: Date) async throws -> SourceChanges {
        let before = await client.requestsMade
        do {
            var state: ClockifySyncState
            if let cursor, let saved = ClockifySyncState(cursor: cursor), saved.account.isCurrent(at: now, workspaceID: workspaceID) {
                state = saved
            } else {
                let account = try await ClockifyAccount.fetch(client: client, workspaceID: workspaceID, now: now)
                // Names stay valid while the workspace does.
                let previous = cursor.flatMap(ClockifySyncState.init(cursor:))
                let names = previous.flatMap { $0.account.workspaceID == account.workspaceID ? $0.names : nil }
                state = ClockifySyncState(account: account, names: names ?? ClockifyNames())
            }
            let account = state.account
            let listed = try await client.timeEntries(
                workspaceID: account.workspaceID, userID: account.userID, start: window.start, end: window.end,
                accountTimeZone: account.timeZone)
            try await state.names.resolve(listed, workspaceID: account.workspaceID, client: client, now: now)
            await session.adopt(state)
            let entries = listed.map {
                $0.remoteEntry(projectNames: state.names.projects, tagNames: state.names.tags, timeZone: account.timeZone)
            }
            return SourceChanges(
                entries: entries, completeWindow: window, cursor: state.cursor, requests: await client.requestsMade - before)
        } catch var error as ClockifyError {
            error.requestsMade = await client.requestsMade - before
            throw error
        }
    }
}

/// The account and names one `ClockifySync` has seen, shared by its sync and timer calls.
actor ClockifySession {
    private(set) var account: ClockifyAccount?
    private(set) var names = ClockifyNames()

    func adopt(_ state: ClockifySyncState) {
        account = state.account
        names = state.names
    }

    func remember(_ account: ClockifyAccount) {
        self.account = account
    }

    func remember(_ names: ClockifyNames) {
        self.names = names
    }
}
