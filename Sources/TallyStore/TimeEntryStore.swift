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

    func timeEntries(userID: String?, source: TimeEntrySource?) async throws -> [TimeEntry]
}

public struct ImportCounts: Sendable, Equatable {
    public var added: Int
    public var alreadyPresent: Int

    public init(added: Int = 0, alreadyPresent: Int = 0) {
        self.added = added
        self.alreadyPresent = alreadyPresent
    }
}
