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
    /// transaction. A stored entry keeps its id, creation time and category (which a person may
    /// have changed). Records `time_entry.created` and `time_entry.updated` events.
    func upsertTimeEntries(_ entries: [TimeEntry]) async throws -> UpsertCounts

    func timeEntries(userID: String?, source: TimeEntrySource?) async throws -> [TimeEntry]
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
