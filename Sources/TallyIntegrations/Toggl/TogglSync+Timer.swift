import Foundation

extension TogglSync {
    /// Active projects' names, as a category-to-project mapping offers them.
    public func projectNames() async throws -> [String] {
        let projects = try await client.projects()
        remember(projects)
        return projects.filter { $0.active != false }.map(\.name)
    }

    public func startTimer(description: String, project: String?, tags: [String], at start: Date) async throws
        -> RemoteTimeEntry
    {
        let workspaceID = try await workspaceID()
        let projectID = try await project.asyncMap { try await self.projectID(named: $0, in: workspaceID) }
        let entry = try await client.startTimeEntry(
            workspaceID: workspaceID, description: description, projectID: projectID, tags: tags, start: start)
        return try await remote(entry)
    }

    /// Toggl stops the timer at its own clock (`PATCH .../stop` takes no time), so `stop` is not
    /// sent; the two differ by the request's latency.
    public func stopTimer(at stop: Date) async throws -> RemoteTimeEntry? {
        guard let running = try await client.currentTimeEntry() else { return nil }
        do {
            return try await remote(try await client.stopTimeEntry(workspaceID: running.workspaceID, id: running.id))
        } catch let error as TogglError where error.reason == .alreadyStopped || error.reason == .notFound {
            // Stopped or deleted elsewhere between the two requests: nothing runs now.
            return nil
        }
    }

    public func currentTimer() async throws -> RemoteTimeEntry? {
        guard let running = try await client.currentTimeEntry() else { return nil }
        return try await remote(running)
    }

    private func workspaceID() async throws -> Int64 {
        if let known = account.withLock({ $0.workspaceID }) { return known }
        let user = try await client.me()
        guard let workspaceID = user.defaultWorkspaceID else { throw TogglError(.noWorkspace) }
        account.withLock { known in
            known.workspaceID = workspaceID
            known.timezone = user.timezone
        }
        return workspaceID
    }

    private func projectID(named name: String, in workspaceID: Int64) async throws -> Int64 {
        func match(_ names: [Int64: String]) -> Int64? {
            names.first { $0.value == name }?.key
                ?? names.first { $0.value.caseInsensitiveCompare(name) == .orderedSame }?.key
        }
        if let id = match(account.withLock { $0.projects }) { return id }
        let projects = try await client.projects()
        remember(projects)
        let inWorkspace = projects.filter { $0.workspaceID == workspaceID }
        let active = Dictionary(
            inWorkspace.filter { $0.active != false }.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let all = Dictionary(inWorkspace.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        guard let id = match(active) ?? match(all) else { throw TogglError(.unknownProject(name)) }
        return id
    }

    /// Maps an entry, fetching projects only when it names one not known yet.
    private func remote(_ entry: TogglTimeEntry) async throws -> RemoteTimeEntry {
        var (names, timezone) = account.withLock { ($0.projects, $0.timezone) }
        if let projectID = entry.projectID, names[projectID] == nil {
            let projects = try await client.projects()
            names = remember(projects)
        }
        return entry.remoteEntry(projectNames: names, timezone: timezone)
    }

    @discardableResult
    private func remember(_ projects: [TogglProject]) -> [Int64: String] {
        let names = Dictionary(projects.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        account.withLock { $0.projects = names }
        return names
    }
}

extension Optional {
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
