import Foundation

extension FakeClockify {
    public struct TimeEntry: Sendable, Equatable {
        public var id: String
        public var userID: String
        public var description: String
        public var projectID: String?
        public var tagIDs: [String]
        public var billable: Bool
        public var start: Date
        /// Nil while the timer runs.
        public var end: Date?

        public var isRunning: Bool { end == nil }
    }

    public struct Project: Sendable, Equatable {
        public var id: String
        public var name: String
        public var archived: Bool
        public var clientName: String?
    }

    public struct Tag: Sendable, Equatable {
        public var id: String
        public var name: String
        public var archived: Bool
    }

    /// One request as the fake saw it, with the status it answered.
    public struct LoggedRequest: Sendable {
        public var method: String
        /// After `/api/v1`, e.g. `/workspaces/…/projects`.
        public var path: String
        public var query: [String: String]
        public var status: Int
        public var at: Date
    }

    public enum WebhookEvent: String, Sendable, CaseIterable {
        case newTimeEntry = "NEW_TIME_ENTRY"
        case newTimerStarted = "NEW_TIMER_STARTED"
        case timerStopped = "TIMER_STOPPED"
        case timeEntryUpdated = "TIME_ENTRY_UPDATED"
        case timeEntryDeleted = "TIME_ENTRY_DELETED"
        case timeEntrySplit = "TIME_ENTRY_SPLIT"
        case timeEntryRestored = "TIME_ENTRY_RESTORED"
    }
}

/// Everything the fake holds, changed only under its lock.
struct FakeClockifyState {
    var timeZone: String
    var entries: [String: FakeClockify.TimeEntry] = [:]
    var projects: [FakeClockify.Project] = []
    var tags: [FakeClockify.Tag] = []
    var log: [FakeClockify.LoggedRequest] = []
    var hourlyRequestLimit: Int?
    /// When the requests that count against the hourly limit came in.
    var countedRequests: [Date] = []
    var injected: [(status: Int, path: String?)] = []
    var maximumPageSize = 5000
    /// Real Clockify answers served instead of the fake's own (FakeClockify+Recorded).
    var recorded: [FakeClockify.RecordedAnswer] = []
    private var idCounter: UInt64 = 0
    private let idPrefix: UInt64

    init(timeZone: String, hourlyRequestLimit: Int?) {
        self.timeZone = timeZone
        self.hourlyRequestLimit = hourlyRequestLimit
        self.idPrefix = UInt64.random(in: 0..<(1 << 32))
    }

    /// A 24-hex id like a MongoDB ObjectId: seconds, then a random part and a counter.
    mutating func newID() -> String {
        idCounter += 1
        return FakeClockifyState.hex(UInt64(Date().timeIntervalSince1970), 8) + FakeClockifyState.hex(idPrefix, 8)
            + FakeClockifyState.hex(idCounter, 8)
    }

    static func hex(_ value: UInt64, _ width: Int) -> String {
        let text = String(value & ((1 << (4 * UInt64(width))) - 1), radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    func running(for userID: String) -> FakeClockify.TimeEntry? {
        entries.values.first { $0.userID == userID && $0.isRunning }
    }

    /// Clockify keeps one timer per user: a new one stops the old one where the new one starts.
    mutating func insert(_ entry: FakeClockify.TimeEntry) {
        if entry.isRunning, var old = running(for: entry.userID) {
            old.end = max(old.start, entry.start)
            entries[old.id] = old
        }
        entries[entry.id] = entry
    }

    /// Newest first, as Clockify lists them.
    func sorted(_ list: some Sequence<FakeClockify.TimeEntry>) -> [FakeClockify.TimeEntry] {
        list.sorted { ($0.start, $0.id) > ($1.start, $1.id) }
    }
}
