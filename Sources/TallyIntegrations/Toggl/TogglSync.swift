import Foundation
import Synchronization
import TallyCore

/// Toggl Track as a sync source and a timer. Built for Toggl Free's 30 requests an hour: a cycle
/// in which nothing changed costs one `since` request; projects are fetched when an entry names
/// one the cursor does not know, and at most daily otherwise.
public final class TogglSync: SyncSource, TimerSource {
    /// Toggl refuses a `since` older than about three months; past this age the cycle re-reads
    /// the whole window instead.
    public static let maximumSinceAge: TimeInterval = 80 * 86_400
    /// The next `since` is taken this long before a cycle starts, so a change saved on Toggl's
    /// side while the cycle ran, or under clock skew, is read again rather than missed.
    static let sinceMargin: TimeInterval = 60
    /// How long project names are trusted before a cycle with project entries refreshes them.
    static let projectNamesLifetime: TimeInterval = 86_400

    public var source: TimeEntrySource { .toggl }
    public let client: TogglClient
    /// What the latest cycle or timer call learnt, so timer calls spend no requests on it.
    let account: Mutex<KnownAccount>

    struct KnownAccount {
        var workspaceID: Int64?
        var projects: [Int64: String] = [:]
        var timezone: String?
    }

    /// `cursor`, when given, is the latest sync cursor: timer calls then start knowing the
    /// workspace and the project names.
    public init(client: TogglClient, cursor: String? = nil) {
        self.client = client
        let known = TogglSyncCursor(text: cursor)
        account = Mutex(
            KnownAccount(workspaceID: known?.workspaceID, projects: known?.projectNames ?? [:], timezone: known?.timezone))
    }

    public func changes(in window: DateInterval, cursor: String?, now: Date) async throws -> SourceChanges {
        let tally = TogglRequestTally()
        do {
            var changes = try await TogglRequestTally.$current.withValue(tally) {
                try await cycle(window: window, cursor: TogglSyncCursor(text: cursor), now: now)
            }
            changes.requests = tally.count
            changes.quota = client.lastQuota
            return changes
        } catch var error as TogglError {
            error.requestsMade = tally.count
            throw error
        }
    }

    private func cycle(window: DateInterval, cursor: TogglSyncCursor?, now: Date) async throws -> SourceChanges {
        // The earlier of the two: a `now` from a caller's future must not skip changes made before it.
        let startedAt = min(now, Date())
        let nextSince = Int64((startedAt.timeIntervalSince1970 - Self.sinceMargin).rounded(.down))
        let listing = TogglWindowListing(client: client)
        guard var cursor, Double(cursor.since) >= now.timeIntervalSince1970 - Self.maximumSinceAge else {
            return try await rereadWindow(window, keeping: cursor, nextSince: nextSince)
        }
        var listed: [TogglTimeEntry] = []
        var complete: DateInterval?
        let backfilled = Date(timeIntervalSince1970: Double(cursor.backfilledFrom))
        if window.start < backfilled {
            let gap = DateInterval(start: window.start, end: backfilled)
            listed = try await listing.entries(in: gap)
            cursor.backfilledFrom = Int64(window.start.timeIntervalSince1970.rounded(.down))
            complete = gap
        }
        let changed = try await client.timeEntries(since: Date(timeIntervalSince1970: Double(cursor.since)))
        guard changed.count < TogglWindowListing.pageLimit else {
            // The answer may have been cut at the cap; only a whole re-read is sure to miss nothing.
            return try await rereadWindow(window, keeping: cursor, nextSince: nextSince)
        }
        var byID = Dictionary(listed.map { ($0.id, $0) }, uniquingKeysWith: { _, later in later })
        var deleted: [Int64] = []
        for entry in changed {
            if entry.isDeleted {
                byID[entry.id] = nil
                deleted.append(entry.id)
            } else {
                byID[entry.id] = entry
            }
        }
        cursor.since = nextSince
        return try await finish(
            Array(byID.values), deleted: deleted.map { String($0) }, completeWindow: complete, cursor: cursor)
    }

    /// Lists the whole window: a first sync, a lost or too-old cursor. A first sync also asks
    /// `/me` once, for the user (to tell our webhooks from colleagues'), the default workspace
    /// (for timers) and the timezone (stored with entries).
    private func rereadWindow(_ window: DateInterval, keeping old: TogglSyncCursor?, nextSince: Int64) async throws
        -> SourceChanges
    {
        var cursor = TogglSyncCursor(
            since: nextSince, backfilledFrom: Int64(window.start.timeIntervalSince1970.rounded(.down)),
            workspaceID: old?.workspaceID, projects: old?.projects ?? [:])
        cursor.projectsFetchedAt = old?.projectsFetchedAt
        cursor.userID = old?.userID
        cursor.timezone = old?.timezone
        if cursor.userID == nil {
            let me = try await client.me()
            cursor.userID = me.id
            cursor.timezone = me.timezone
            cursor.workspaceID = me.defaultWorkspaceID ?? cursor.workspaceID
        }
        let entries = try await TogglWindowListing(client: client).entries(in: window)
        return try await finish(entries, deleted: [], completeWindow: window, cursor: cursor)
    }

    private func finish(
        _ entries: [TogglTimeEntry], deleted: [String], completeWindow: DateInterval?, cursor: TogglSyncCursor
    ) async throws -> SourceChanges {
        var cursor = cursor
        let projectIDs = Set(entries.compactMap(\.projectID))
        let missing = projectIDs.contains { cursor.projects[String($0)] == nil }
        // A rename changes no entry, so names are also refreshed once a day, but only in a cycle
        // that has entries with projects: a quiet cycle stays at one request.
        let stale = !projectIDs.isEmpty
            && cursor.projectsFetchedAt.map { Date().timeIntervalSince1970 - Double($0) > Self.projectNamesLifetime } ?? true
        if missing || stale {
            let projects = try await client.projects()
            cursor.projects = Dictionary(projects.map { (String($0.id), $0.name) }, uniquingKeysWith: { first, _ in first })
            cursor.projectsFetchedAt = Int64(Date().timeIntervalSince1970)
        }
        if cursor.workspaceID == nil { cursor.workspaceID = entries.first?.workspaceID }
        let names = cursor.projectNames
        let timezone = account.withLock { known in
            known.workspaceID = cursor.workspaceID ?? known.workspaceID
            known.projects = names
            known.timezone = cursor.timezone ?? known.timezone
            return known.timezone
        }
        let remote = entries.sorted { $0.start < $1.start }.map { $0.remoteEntry(projectNames: names, timezone: timezone) }
        return SourceChanges(
            entries: remote, deletedIDs: deleted, completeWindow: completeWindow, cursor: cursor.text, requests: 0)
    }
}
