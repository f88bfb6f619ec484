import Foundation

extension TogglTimeEntry {
    /// The entry in Tally's terms. `projectNames` resolves `projectID`; an id it lacks leaves
    /// the project empty rather than inventing a name.
    public func remoteEntry(projectNames: [Int64: String], timezone: String? = nil) -> RemoteTimeEntry {
        RemoteTimeEntry(
            externalID: String(id), description: description, project: projectID.flatMap { projectNames[$0] },
            tags: tags, start: start, stop: isRunning ? nil : stop, timezone: timezone, changedAt: at)
    }
}
