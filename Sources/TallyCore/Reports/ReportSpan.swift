import Foundation

/// The part of a time entry a report reads: lean, so the store can load a million of them.
public struct ReportSpan: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var source: TimeEntrySource
    public var category: String
    public var description: String
    public var start: Date
    /// Nil while the timer runs: the span then counts until the report's `now`.
    public var stop: Date?

    public init(
        id: String, userID: String, source: TimeEntrySource, category: String, description: String, start: Date,
        stop: Date?
    ) {
        self.id = id
        self.userID = userID
        self.source = source
        self.category = category
        self.description = description
        self.start = start
        self.stop = stop
    }

    public init(_ entry: TimeEntry) {
        self.init(
            id: entry.id, userID: entry.userID, source: entry.source, category: entry.category,
            description: entry.description, start: entry.start, stop: entry.stop)
    }
}
