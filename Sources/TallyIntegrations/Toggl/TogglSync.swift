import Foundation
import Synchronization
import TallyCore

/// Toggl Track as a sync source and a timer. Built for Toggl Free's 30 requests an hour: a cycle
/// in which nothing changed costs one `since` request, and projects are fetched only when an
/// entry names one the cursor does not know.
public final class TogglSync: SyncSource, TimerSource {
    /// Toggl refuses a `since` older than about three months; past this age the cycle re-reads
    /// the whole window instead.
    public static let maximumSinceAge: TimeInterval = 80 * 86_400
    /// The next `since` is taken this long before a cycle starts, so a change saved on Toggl's
    /// side while the cycle ran, or under clock skew, is read again rather than missed.
    static let sinceMargin: TimeInterval = 60

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
        account = Mutex(KnownAccount(workspaceID: known?.workspaceID, projects: known?.projectNames ?? [:]))
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

    /// Lists the whole window: a first sync, a lost or too-old cursor.
    private func rereadWindow(_ window: DateInterval, keeping old: TogglSyncCursor?, nextSince: Int64) async throws
        -> SourceChanges
    {
        let entries = try await TogglWindowListing(client: client).entries(in: window)
        let cursor = TogglSyncCursor(
            since: nextSince, backfilledFrom: Int64(window.start.timeIntervalSince1970.rounded(.down)),
            workspaceID: old?.workspaceID, projects: old?.projects ?? [:])
        return try await finish(entries, deleted: [], completeWindow: window, cursor: cursor)
    }

    private func finish(
        _ entries: [TogglTimeEntry], deleted: [String], completeWindow: DateInterval?, cursor: TogglSyncCursor
    ) async throws -> SourceChanges {
        var cursor = cursor
        let missing = Set(entries.compactMap(\.projectID)).contains { cursor.projects[String($0)] == nil }
        if missing {
            let projects = try await client.projects()
            cursor.projects = Dictionary(projects.map { (String($0.id), $0.name) }, uniquingKeysWith: { first, _ in first })
        }
        if cursor.workspaceID == nil { cursor.workspaceID = entries.first?.workspaceID }
        let names = cursor.projectNames
        let timezone = account.withLock { known in
            known.workspaceID = cursor.workspaceID ?? known.workspaceID
            known.projects = names
            return known.timezone
        }
        let remote = entries.sorted { $0.start < $1.start }.map { $0.remoteEntry(projectNames: names, timezone: timezone) }
        return SourceChanges(
            entries: remote, deletedIDs: deleted, completeWindow: completeWindow, cursor: cursor.text, requests: 0)
    }
}
