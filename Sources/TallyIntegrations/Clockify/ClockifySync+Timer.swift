import Foundation

/// Timers (`tally timer start|stop|current`). Tag names Clockify does not have are ignored, not
/// created: creating tags needs more rights and requests, and a typo should not become a tag.
extension ClockifySync {
    /// Names of the projects not archived, in Clockify's order.
    public func projectNames() async throws -> [String] {
        try await withRequestCount {
            let account = try await currentAccount()
            var names = await session.names
            let projects = try await names.refreshProjects(workspaceID: account.workspaceID, client: client, now: Date())
            await session.remember(names)
            var seen = Set<String>()
            return projects.filter { !$0.archived && seen.insert($0.name).inserted }.map(\.name)
        }
    }

    public func startTimer(description: String, project: String?, tags: [String], at start: Date) async throws -> RemoteTimeEntry {
        try await withRequestCount {
            let account = try await currentAccount()
            var names = await session.names
            var projectID: String?
            if let project {
                if Self.id(named: project, in: names.projects) == nil {
                    try await names.refreshProjects(workspaceID: account.workspaceID, client: client, now: Date())
                }
                guard let id = Self.id(named: project, in: names.projects) else { throw ClockifyError(.unknownProject(project)) }
                projectID = id
            }
            if tags.contains(where: { Self.id(named: $0, in: names.tags) == nil }) {
                try await names.refreshTags(workspaceID: account.workspaceID, client: client, now: Date())
            }
            var tagIDs: [String] = []
            for tag in tags {
                if let id = Self.id(named: tag, in: names.tags), !tagIDs.contains(id) { tagIDs.append(id) }
            }
            await session.remember(names)
            let started = try await client.startTimer(
                workspaceID: account.workspaceID, start: start, description: description, projectID: projectID, tagIDs: tagIDs)
            return try await remote(started, account: account)
        }
    }

    public func stopTimer(at stop: Date) async throws -> RemoteTimeEntry? {
        try await withRequestCount {
            let account = try await currentAccount()
            guard let stopped = try await client.stopTimer(workspaceID: account.workspaceID, userID: account.userID, end: stop) else {
                return nil
            }
            return try await remote(stopped, account: account)
        }
    }

    public func currentTimer() async throws -> RemoteTimeEntry? {
        try await withRequestCount {
            let account = try await currentAccount()
            guard let running = try await client.inProgressEntry(workspaceID: account.workspaceID, userID: account.userID) else {
                return nil
            }
            return try await remote(running, account: account)
        }
    }

    private func currentAccount() async throws -> ClockifyAccount {
        let now = Date()
        if let account = await session.account, account.isCurrent(at: now, workspaceID: workspaceID) { return account }
        let account = try await ClockifyAccount.fetch(client: client, workspaceID: workspaceID, now: now)
        await session.remember(account)
        return account
    }

    private func remote(_ entry: ClockifyTimeEntry, account: ClockifyAccount) async throws -> RemoteTimeEntry {
        var names = await session.names
        try await names.resolve([entry], workspaceID: account.workspaceID, client: client, now: Date())
        await session.remember(names)
        return entry.remoteEntry(projectNames: names.projects, tagNames: names.tags, timeZone: account.timeZone)
    }

    /// Exact match first, then one that differs only in case.
    static func id(named name: String, in names: [String: String]) -> String? {
        let sorted = names.sorted { $0.key < $1.key }
        return sorted.first { $0.value == name }?.key
            ?? sorted.first { $0.value.compare(name, options: [.caseInsensitive]) == .orderedSame }?.key
    }

    /// Sets `requestsMade` on errors, as it is for sync cycles.
    private func withRequestCount<T>(_ body: () async throws -> T) async throws -> T {
        let before = await client.requestsMade
        do {
            return try await body()
        } catch var error as ClockifyError {
            error.requestsMade = await client.requestsMade - before
            throw error
        }
    }
}
