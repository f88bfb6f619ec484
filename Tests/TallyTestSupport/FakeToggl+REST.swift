import Foundation

/// API v9 endpoints.
extension FakeTogglState {
    mutating func restAnswer(_ request: FakeTogglRequest) -> FakeTogglAnswer {
        let endpoint = request.endpoint
        switch request.method {
        case "GET":
            if match(endpoint, "me") != nil { return .json(userJSON) }
            if match(endpoint, "me/time_entries") != nil { return listEntries(request) }
            if match(endpoint, "me/time_entries/current") != nil { return currentEntry() }
            if let id = match(endpoint, "me/time_entries/*")?.first {
                guard let id = Int64(id), let entry = entries[id], entry.deletedAt == nil else {
                    return .error(404, "Time entry not found")
                }
                return .json(restJSON(entry))
            }
            if match(endpoint, "me/projects") != nil { return listProjects(request, workspace: nil) }
            if let workspace = match(endpoint, "workspaces/*/projects")?.first {
                return listProjects(request, workspace: workspace)
            }
            if match(endpoint, "me/tags") != nil {
                return .json(tags.map { ["id": $0.id, "workspace_id": $0.workspaceID, "name": $0.name] as [String: Any] })
            }
            if match(endpoint, "me/quota") != nil { return quotaAnswer(request.now) }
        case "POST":
            if let workspace = match(endpoint, "workspaces/*/time_entries")?.first {
                return createEntry(request, workspace: workspace)
            }
        case "PATCH":
            if let ids = match(endpoint, "workspaces/*/time_entries/*/stop") {
                return stopEntry(workspace: ids[0], id: ids[1], now: request.now)
            }
        default:
            break
        }
        return .error(404, "Not Found")
    }

    private var userJSON: [String: Any] {
        [
            "id": user.id, "email": user.email, "fullname": user.fullname, "timezone": user.timezone,
            "default_workspace_id": user.workspaceID, "beginning_of_week": 1, "image_url": "https://assets.track.toggl.com/images/profile.png",
            "country_id": NSNull(), "has_password": true, "at": FakeTogglTime.rest(Date(timeIntervalSince1970: 1_690_000_000)),
        ]
    }

    private func listEntries(_ request: FakeTogglRequest) -> FakeTogglAnswer {
        let query = request.query
        var selected: [FakeToggl.Entry]
        if let sinceText = query["since"] {
            guard query["start_date"] == nil, query["end_date"] == nil else {
                return .error(400, "since cannot be combined with start_date or end_date")
            }
            guard let since = Int64(sinceText) else { return .error(400, "Invalid since") }
            guard Double(since) >= request.now.timeIntervalSince1970 - maximumSinceAge else {
                return .error(400, "since must not be older than 3 months")
            }
            selected = entries.values.filter { $0.at.timeIntervalSince1970 >= Double(since) }
        } else {
            var lower = Date.distantPast
            var upper = Date.distantFuture
            if let text = query["start_date"] {
                guard let date = FakeTogglTime.parse(text) else { return .error(400, "Invalid start_date") }
                lower = date
            }
            if let text = query["end_date"] {
                guard let date = FakeTogglTime.parse(text) else { return .error(400, "Invalid end_date") }
                upper = date
            }
            guard lower <= upper else { return .error(400, "end_date must not be earlier than start_date") }
            selected = entries.values.filter { $0.deletedAt == nil && $0.start >= lower && $0.start < upper }
        }
        selected.sort { ($0.start, $0.id) > ($1.start, $1.id) }
        selected = Array(selected.prefix(pageLimit))
        if !listsNewestFirst { selected.reverse() }
        return .json(selected.map(restJSON))
    }

    private func currentEntry() -> FakeTogglAnswer {
        if let running { return .json(restJSON(running)) }
        return switch noCurrentEntry {
        case .notFound: .error(404, "Not Found")
        case .null: .json(NSNull())
        case .emptyObject: .json([String: Any]())
        }
    }

    private func listProjects(_ request: FakeTogglRequest, workspace: String?) -> FakeTogglAnswer {
        if let workspace, Int64(workspace) != user.workspaceID { return .error(404, "Workspace not found") }
        let archived = request.query["include_archived"] == "true"
        let listed = projects.filter { archived || $0.active }
        // Toggl answers `null`, not `[]`, when there is nothing to list.
        return listed.isEmpty ? .json(NSNull()) : .json(listed.map(projectJSON))
    }

    private func quotaAnswer(_ now: Date) -> FakeTogglAnswer {
        guard let quota = hourlyQuota else { return .json([Any]()) }
        return .json([
            [
                "organization_id": user.organizationID, "remaining": max(0, quota - quotaUses.count),
                "resets_in_secs": resetsIn(now), "total": quota,
            ] as [String: Any]
        ])
    }

    private mutating func createEntry(_ request: FakeTogglRequest, workspace: String) -> FakeTogglAnswer {
        guard Int64(workspace) == user.workspaceID else { return .error(404, "Workspace not found") }
        guard let body = FakeTogglJSON.object(request.body) else { return .error(400, "JSON is not valid") }
        guard let createdWith = body["created_with"] as? String, !createdWith.isEmpty else {
            return .error(400, "created_with needs to be provided a valid value")
        }
        guard FakeTogglJSON.int64(body["workspace_id"] ?? body["wid"]) == user.workspaceID else {
            return .error(400, "workspace_id must match the workspace in the path")
        }
        guard let startText = body["start"] as? String, let start = FakeTogglTime.parse(startText) else {
            return .error(400, "start must be a valid RFC 3339 time")
        }
        let duration = FakeTogglJSON.int64(body["duration"]) ?? -1
        let projectID = FakeTogglJSON.int64(body["project_id"])
        if let projectID, !projects.contains(where: { $0.id == projectID }) {
            return .error(400, "Invalid project_id")
        }
        var stop: Date?
        if let stopText = body["stop"] as? String {
            guard let parsed = FakeTogglTime.parse(stopText) else { return .error(400, "stop must be a valid RFC 3339 time") }
            stop = parsed
        } else if duration >= 0 {
            stop = start + Double(duration)
        }
        if stop == nil { _ = stopRunning(at: start > (running?.start ?? .distantPast) ? start : request.now) }
        let entry = insert(
            description: body["description"] as? String ?? "", start: start, stop: stop, projectID: projectID,
            tags: body["tags"] as? [String] ?? [], billable: (body["billable"] as? NSNumber)?.boolValue ?? false,
            runningDuration: duration < 0 ? duration : -1, at: nil)
        return .json(restJSON(entry))
    }

    private mutating func stopEntry(workspace: String, id: String, now: Date) -> FakeTogglAnswer {
        guard Int64(workspace) == user.workspaceID, let id = Int64(id), var entry = entries[id], entry.deletedAt == nil
        else { return .error(404, "Time entry not found") }
        guard entry.stop == nil else { return .error(409, "Time entry already stopped") }
        let stop = max(Self.whole(now), entry.start)
        entry.stop = stop
        entry.duration = Int64(stop.timeIntervalSince(entry.start))
        entry.at = changeTime()
        entries[id] = entry
        return .json(restJSON(entry))
    }
}
