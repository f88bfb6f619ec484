import Foundation
import TallyCore

/// Time entries from every source, unique by (source, external id).
public protocol TimeEntryStore: Sendable {
    /// Adds the entries `produce` hands over, in one transaction: if `produce` throws, nothing is
    /// kept. Entries whose (source, external id) is already stored are left as they are.
    /// Each new entry records a `time_entry.created` event.
    func importTimeEntries(
        _ produce: @escaping @Sendable (_ add: (TimeEntry) throws -> Void) throws -> Void
    ) async throws -> ImportCounts

    /// Adds new entries and brings stored ones (same source and external id) up to date, in one
    /// transaction. A stored entry keeps its id, creation time and a category set by hand.
    /// Records `time_entry.created` and `time_entry.updated` events.
    func upsertTimeEntries(_ entries: [TimeEntry]) async throws -> UpsertCounts

    func timeEntries(_ query: TimeEntryQuery) async throws -> [TimeEntry]
    /// What a report needs of the entries that overlap `from..<before` (running ones included),
    /// for one user or all; descriptions only when asked, as most reports do not show them.
    func reportSpans(userID: String?, from: Date, before: Date, withDescriptions: Bool) async throws -> [ReportSpan]
    /// Every entry as a report span (no descriptions), with the journal position it reflects.
    func reportSpanSnapshot() async throws -> ReportSpanSnapshot
    /// What changed since journal position `after`: the current spans of changed entries and the
    /// ids of deleted ones; nil when the journal no longer reaches back that far.
    func reportSpanChanges(after position: Int64) async throws -> ReportSpanChanges?
    /// Forgets all but the newest `keeping` journal rows.
    func trimTimeEntryJournal(keeping: Int) async throws
    func timeEntry(id: String) async throws -> TimeEntry?
    /// The user's entry with this (source, external id): the same id may name another user's entry.
    func timeEntry(userID: String, source: TimeEntrySource, externalID: String) async throws -> TimeEntry?
    /// Throws `TallyError.conflict` when the user already has an entry with (source, external id).
    func createTimeEntry(_ entry: TimeEntry) async throws
    func updateTimeEntry(id: String, _ change: @escaping @Sendable (inout TimeEntry) throws -> Void) async throws -> TimeEntry
    func deleteTimeEntry(id: String, at now: Date) async throws -> Bool
    /// Gives every entry whose category was not set by hand the category `categorise` says, in
    /// one transaction; returns how many changed.
    func recategorize(at now: Date, _ categorise: @escaping @Sendable (TimeEntry) -> String) async throws -> Int
}

extension TimeEntryStore {
    public func timeEntries(userID: String?, source: TimeEntrySource?) async throws -> [TimeEntry] {
        try await timeEntries(TimeEntryQuery(userID: userID, source: source, limit: Int.max))
    }
}

public struct TimeEntryQuery: Sendable {
    public var userID: String?
    public var source: TimeEntrySource?
    public var category: String?
    /// Entries that end at or after this instant (or still run).
    public var from: Date?
    /// Entries that start before this instant.
    public var before: Date?
    public var updatedSince: Date?
    /// Sort key: start in milliseconds since 1970.
    public var after: PageAfter?
    public var limit: Int

    public init(
        userID: String? = nil, source: TimeEntrySource? = nil, category: String? = nil, from: Date? = nil,
        before: Date? = nil, updatedSince: Date? = nil, after: PageAfter? = nil, limit: Int = 100
    ) {
        self.userID = userID
        self.source = source
        self.category = category
        self.from = from
        self.before = before
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}

public struct UpsertCounts: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0

    public init() {}
}

public struct ImportCounts: Sendable, Equatable {
    public var added: Int
    public var alreadyPresent: Int

    public init(added: Int = 0, alreadyPresent: Int = 0) {
        self.added = added
        self.alreadyPresent = alreadyPresent
    }
}

/// All entries as report spans at one journal position.
public struct ReportSpanSnapshot: Sendable {
    public var spans: [ReportSpan]
    public var position: Int64

    public init(spans: [ReportSpan], position: Int64) {
        self.spans = spans
        self.position = position
    }
}

/// Entries changed after a journal position, up to `position`.
public struct ReportSpanChanges: Sendable {
    /// The current spans of entries created or changed.
    public var changed: [ReportSpan]
    /// Entries changed but gone now.
    public var deletedIDs: Set<String>
    public var position: Int64

    public init(changed: [ReportSpan], deletedIDs: Set<String>, position: Int64) {
        self.changed = changed
        self.deletedIDs = deletedIDs
        self.position = position
    }
}
