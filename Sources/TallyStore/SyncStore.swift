import Foundation
import TallyCore

/// What Tally remembers about syncing one source, between runs and across restarts.
public struct SyncState: Sendable, Equatable {
    public var source: TimeEntrySource
    /// The source's own cursor (opaque here).
    public var cursor: String?
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    /// One line; nil after a success.
    public var lastError: String?
    /// Quota or rate limit: no request before this.
    public var waitUntil: Date?
    public var quotaRemaining: Int?
    public var quotaResetsAt: Date?

    public init(
        source: TimeEntrySource, cursor: String? = nil, lastAttemptAt: Date? = nil, lastSuccessAt: Date? = nil,
        lastError: String? = nil, waitUntil: Date? = nil, quotaRemaining: Int? = nil, quotaResetsAt: Date? = nil
    ) {
        self.source = source
        self.cursor = cursor
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.waitUntil = waitUntil
        self.quotaRemaining = quotaRemaining
        self.quotaResetsAt = quotaResetsAt
    }
}

/// One sync run of one source, kept for the status page and the request count per hour.
public struct SyncRun: Sendable, Equatable {
    public var source: TimeEntrySource
    public var startedAt: Date
    public var finishedAt: Date
    public var requests: Int
    public var fetched: Int
    public var counts: SyncCounts
    public var error: String?

    public init(
        source: TimeEntrySource, startedAt: Date, finishedAt: Date, requests: Int, fetched: Int = 0,
        counts: SyncCounts = SyncCounts(), error: String? = nil
    ) {
        self.source = source
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.requests = requests
        self.fetched = fetched
        self.counts = counts
        self.error = error
    }

    public var eventData: JSONValue {
        var object: [String: JSONValue] = [
            "source": .string(source.rawValue), "started_at": .time(startedAt), "finished_at": .time(finishedAt),
            "requests": .integer(Int64(requests)), "fetched": .integer(Int64(fetched)),
            "created": .integer(Int64(counts.added)), "updated": .integer(Int64(counts.updated)),
            "deleted": .integer(Int64(counts.deleted)),
        ]
        object["error"] = error.map(JSONValue.string)
        return .object(object)
    }
}

public struct SyncCounts: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var deleted = 0

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0, deleted: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.deleted = deleted
    }
}

/// What one successful sync cycle changes, applied in one transaction with its state and run.
public struct SyncBatch: Sendable {
    public var source: TimeEntrySource
    public var userID: String
    /// Created or changed entries, categorised. Stored entries keep their id, creation time and a
    /// category set by hand.
    public var entries: [TimeEntry]
    public var deletedExternalIDs: [String]
    /// Stored entries of this source and user starting in this interval and not among `entries`
    /// are deleted.
    public var completeWindow: DateInterval?
    public var state: SyncState
    public var run: SyncRun

    public init(
        source: TimeEntrySource, userID: String, entries: [TimeEntry], deletedExternalIDs: [String],
        completeWindow: DateInterval?, state: SyncState, run: SyncRun
    ) {
        self.source = source
        self.userID = userID
        self.entries = entries
        self.deletedExternalIDs = deletedExternalIDs
        self.completeWindow = completeWindow
        self.state = state
        self.run = run
    }
}

/// The outcome of an inbound webhook delivery (Toggl, Clockify).
public enum InboundOutcome: Sendable, Equatable {
    /// The event id was seen before: nothing applied again.
    case duplicate
    case applied(SyncCounts)
}

/// Sync state, runs, and the changes syncs and inbound webhooks bring.
public protocol SyncStore: Sendable {
    func syncState(source: TimeEntrySource) async throws -> SyncState?
    /// Applies a successful cycle, saves its state and run, and records `sync.completed`.
    func applySync(_ batch: SyncBatch) async throws -> SyncCounts
    /// Saves the state and run of a failed cycle and records `sync.failed`.
    func recordSyncFailure(state: SyncState, run: SyncRun) async throws
    func syncRuns(source: TimeEntrySource, since: Date) async throws -> [SyncRun]
    /// Applies one inbound webhook event, once per (source, event id) when an id is given.
    func applyInbound(
        source: TimeEntrySource, eventID: String?, entries: [TimeEntry], deletedExternalIDs: [String], at now: Date
    ) async throws -> InboundOutcome
    func purgeSyncHistory(before cutoff: Date) async throws

    /// Small persisted settings (category rules set over the API, auto-sync on or off).
    func setting(_ key: String) async throws -> String?
    func saveSetting(_ key: String, _ value: String?, at now: Date) async throws
}
