import Foundation

/// Project and tag names by id for one workspace. The time-entry listing carries only ids, and
/// with 30 requests an hour on Free workspaces the lists are fetched only when an entry refers to
/// an id not known yet, or when the last fetch is a day old so that renames come through.
public struct ClockifyNames: Codable, Sendable, Equatable {
    public var projects: [String: String]
    public var tags: [String: String]
    var projectsFetchedAt: Date?
    var tagsFetchedAt: Date?
    /// Ids still unknown right after a fetch (deleted projects or tags): not worth another fetch
    /// until the daily refresh.
    var unknownProjectIDs: Set<String>
    var unknownTagIDs: Set<String>

    static let refreshInterval: TimeInterval = 86_400

    public init(projects: [String: String] = [:], tags: [String: String] = [:]) {
        self.projects = projects
        self.tags = tags
        self.projectsFetchedAt = nil
        self.tagsFetchedAt = nil
        self.unknownProjectIDs = []
        self.unknownTagIDs = []
    }

    /// Fetches what `entries` need and the cache lacks.
    mutating func resolve(_ entries: [ClockifyTimeEntry], workspaceID: String, client: ClockifyClient, now: Date) async throws {
        let projectIDs = Set(entries.compactMap(\.projectID))
        if Self.needsFetch(projectIDs, known: projects, unknown: unknownProjectIDs, fetchedAt: projectsFetchedAt, now: now) {
            try await refreshProjects(workspaceID: workspaceID, client: client, now: now)
            unknownProjectIDs = projectIDs.filter { projects[$0] == nil }
        }
        let tagIDs = Set(entries.flatMap(\.tagIDs))
        if Self.needsFetch(tagIDs, known: tags, unknown: unknownTagIDs, fetchedAt: tagsFetchedAt, now: now) {
            try await refreshTags(workspaceID: workspaceID, client: client, now: now)
            unknownTagIDs = tagIDs.filter { tags[$0] == nil }
        }
    }

    /// Reads every project, archived ones included, and returns them.
    @discardableResult
    mutating func refreshProjects(workspaceID: String, client: ClockifyClient, now: Date) async throws -> [ClockifyProject] {
        let list = try await client.projects(workspaceID: workspaceID)
        projects = Dictionary(list.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        projectsFetchedAt = now
        return list
    }

    @discardableResult
    mutating func refreshTags(workspaceID: String, client: ClockifyClient, now: Date) async throws -> [ClockifyTag] {
        let list = try await client.tags(workspaceID: workspaceID)
        tags = Dictionary(list.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        tagsFetchedAt = now
        return list
    }

    static func needsFetch(_ ids: Set<String>, known: [String: String], unknown: Set<String>, fetchedAt: Date?, now: Date) -> Bool {
        guard !ids.isEmpty else { return false }
        guard let fetchedAt, abs(now.timeIntervalSince(fetchedAt)) < refreshInterval else { return true }
        return ids.contains { known[$0] == nil && !unknown.contains($0) }
    }
}
