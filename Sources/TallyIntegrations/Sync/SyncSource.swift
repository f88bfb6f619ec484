import Foundation
import TallyCore

/// One remote tracker as the sync engine sees it. Each source decides how to read changes as
/// cheaply as its API allows (Toggl: one `since` request; Clockify: re-reading the window).
public protocol SyncSource: Sendable {
    var source: TimeEntrySource { get }

    /// One sync cycle. `cursor` is what the previous successful cycle returned (nil: never
    /// synced, or the state was lost); on a first sync, or when the cursor can no longer be used,
    /// the source reads the whole `window` (entries whose start lies in it).
    func changes(in window: DateInterval, cursor: String?, now: Date) async throws -> SourceChanges

    /// Asked about stored entries a complete window no longer listed: the ones the source still
    /// has (moved out of the window, or listed by another workspace) come back, the rest are gone.
    /// `cursor` is the one this cycle returned. Sources that cannot ask answer that all are gone.
    func stillExisting(_ externalIDs: [String], cursor: String) async throws -> [RemoteTimeEntry]
}

extension SyncSource {
    public func stillExisting(_ externalIDs: [String], cursor: String) async throws -> [RemoteTimeEntry] { [] }
}

/// What one sync cycle found.
public struct SourceChanges: Sendable, Equatable {
    /// Entries created or changed, running ones included.
    public var entries: [RemoteTimeEntry]
    /// External ids the source reported as deleted (Toggl's tombstones).
    public var deletedIDs: [String]
    /// Set when every entry of this source starting in this interval was listed: stored entries
    /// of the source that start in it and were not listed have been deleted at the source.
    public var completeWindow: DateInterval?
    /// Opaque to everyone but the source; handed back on the next cycle.
    public var cursor: String
    /// HTTP requests this cycle made.
    public var requests: Int
    public var quota: SourceQuota?

    public init(
        entries: [RemoteTimeEntry] = [], deletedIDs: [String] = [], completeWindow: DateInterval? = nil,
        cursor: String, requests: Int, quota: SourceQuota? = nil
    ) {
        self.entries = entries
        self.deletedIDs = deletedIDs
        self.completeWindow = completeWindow
        self.cursor = cursor
        self.requests = requests
        self.quota = quota
    }
}

/// What a source said about its request quota, when it says (Toggl's `X-Toggl-Quota-*` headers).
public struct SourceQuota: Sendable, Equatable, Codable {
    public var remaining: Int?
    public var resetsAt: Date?

    public init(remaining: Int?, resetsAt: Date?) {
        self.remaining = remaining
        self.resetsAt = resetsAt
    }
}

/// Errors a source's client throws. `waitUntil` is set when retrying earlier is pointless
/// (quota used up, rate limited): the sync engine then leaves the source alone until then.
public protocol SourceError: Error, CustomStringConvertible {
    var waitUntil: Date? { get }
    /// Requests made before the error, for the sync state's request count.
    var requestsMade: Int { get }
    /// What the source said about its quota when refusing (Toggl's 402).
    var quota: SourceQuota? { get }
}

extension SourceError {
    public var quota: SourceQuota? { nil }
}

/// Starting and stopping a timer at a source (the seed's `toggl_start`/`toggl_stop`/`toggl_current`).
public protocol TimerSource: Sendable {
    var source: TimeEntrySource { get }
    /// Project names at the source, for mapping a category to a project.
    func projectNames() async throws -> [String]
    /// Starts a timer now; the source stops a running one first where it does so itself.
    func startTimer(description: String, project: String?, tags: [String], at start: Date) async throws -> RemoteTimeEntry
    /// Stops the running timer; nil when none runs.
    func stopTimer(at stop: Date) async throws -> RemoteTimeEntry?
    func currentTimer() async throws -> RemoteTimeEntry?
}
