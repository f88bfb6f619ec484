import Foundation

extension ClockifySync {
    /// An entry missing from the re-read window may have been moved to another date rather than
    /// deleted: Clockify is asked about each, one request apiece.
    public func stillExisting(_ externalIDs: [String], cursor: String) async throws -> [RemoteTimeEntry] {
        guard let state = ClockifySyncState(cursor: cursor) else { return [] }
        let account = state.account
        var found: [RemoteTimeEntry] = []
        for id in externalIDs {
            guard let entry = try await client.timeEntry(workspaceID: account.workspaceID, id: id),
                entry.userID == nil || entry.userID == account.userID
            else { continue }
            found.append(entry.remoteEntry(projectNames: state.names.projects, tagNames: state.names.tags, timeZone: account.timeZone))
        }
        return found
    }
}
