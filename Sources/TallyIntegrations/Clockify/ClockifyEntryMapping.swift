import Foundation

extension ClockifyTimeEntry {
    /// The entry as Tally's sync and webhook code take it. Names embedded in the entry (webhook
    /// deliveries) win over the maps; ids found in neither are left out rather than shown raw.
    public func remoteEntry(projectNames: [String: String], tagNames: [String: String], timeZone: String?) -> RemoteTimeEntry {
        let project = embeddedProject?.name ?? projectID.flatMap { projectNames[$0] }
        let tags: [String]
        if let embeddedTags, !embeddedTags.isEmpty || tagIDs.isEmpty {
            tags = embeddedTags.map(\.name)
        } else {
            tags = tagIDs.compactMap { tagNames[$0] }
        }
        return RemoteTimeEntry(
            externalID: id, description: description, project: project, tags: tags, start: start, stop: end, timezone: timeZone)
    }
}
