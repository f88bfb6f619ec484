import Foundation

/// A time entry as a remote tracker (Toggl, Clockify) reports it, with project and tag names
/// already resolved from the source's ids. What a sync or an inbound webhook hands to the store.
public struct RemoteTimeEntry: Sendable, Equatable {
    /// The source's own id, as text (Toggl's integer, Clockify's 24-hex string).
    public var externalID: String
    public var description: String
    public var project: String?
    public var tags: [String]
    public var start: Date
    /// Nil while the timer runs.
    public var stop: Date?
    /// The IANA zone the source tracks the account in, when it says.
    public var timezone: String?
    /// When the source last changed the entry (Toggl's `at`), when it says.
    public var changedAt: Date?

    public init(
        externalID: String, description: String, project: String? = nil, tags: [String] = [], start: Date,
        stop: Date?, timezone: String? = nil, changedAt: Date? = nil
    ) {
        self.externalID = externalID
        self.description = description
        self.project = project
        self.tags = tags
        self.start = start
        self.stop = stop
        self.timezone = timezone
        self.changedAt = changedAt
    }

    public var isRunning: Bool { stop == nil }
}
