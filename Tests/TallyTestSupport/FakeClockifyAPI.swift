import Foundation

/// One answer of the fake.
struct FakeClockifyAnswer {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8]

    static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> FakeClockifyAnswer {
        FakeClockifyAnswer(status: status, headers: headers, body: FakeClockifyJSON.data(object))
    }

    static func error(_ status: Int, _ message: String) -> FakeClockifyAnswer {
        FakeClockifyAnswer(status: status, body: FakeClockifyJSON.error(message, code: status))
    }
}

/// One request of the fake.
struct FakeClockifyRequest {
    var method: String
    /// After `/api/v1`.
    var path: String
    var query: [String: String]
    var apiKey: String?
    var body: [UInt8]
}

/// Clockify's API v1 as the reference describes it, quirks included. Runs under the fake's lock.
struct FakeClockifyAPI {
    let apiKey: String
    let workspaceID: String
    let userID: String

    func answer(_ request: FakeClockifyRequest, state: inout FakeClockifyState, now: Date) -> FakeClockifyAnswer {
        if let index = state.injected.firstIndex(where: { $0.path.map { request.path.hasSuffix($0) } ?? true }) {
            let status = state.injected.remove(at: index).status
            return .error(status, status == 429 ? "Too many requests" : "Internal server error")
        }
        if let limit = state.hourlyRequestLimit {
            state.countedRequests.removeAll { now.timeIntervalSince($0) >= 3600 }
            // No Retry-After: Clockify documents none.
            guard state.countedRequests.count < limit else { return .error(429, "Too many requests") }
            state.countedRequests.append(now)
        }
        guard request.apiKey == apiKey else {
            return .error(401, "Full authentication is required to access this resource")
        }
        if let recorded = state.recorded.last(where: { $0.matches(method: request.method, path: request.path) }) {
            return FakeClockifyAnswer(status: recorded.status, body: recorded.body)
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("GET", 1) where parts == ["user"]:
            return .json(200, FakeClockifyJSON.user(id: userID, workspaceID: workspaceID, timeZone: state.timeZone))
        case (_, 2...) where parts[0] == "workspaces" && parts[1] != workspaceID:
            return .error(403, "Access Denied")
        case ("GET", 3) where parts[2] == "projects":
            return projects(request, state: state)
        case ("GET", 3) where parts[2] == "tags":
            return tags(request, state: state)
        case ("POST", 3) where parts[2] == "time-entries":
            return startEntry(request, state: &state)
        case ("GET", 4) where parts[2] == "time-entries":
            guard let entry = state.entries[parts[3]] else { return .error(404, "Time entry with id \(parts[3]) doesn't exist") }
            return .json(
                200,
                FakeClockifyJSON.entry(entry, workspaceID: workspaceID, hydrated: false, projects: state.projects, tags: state.tags))
        case (_, 5) where parts[2] == "user" && parts[4] == "time-entries" && parts[3] != userID:
            return .error(403, "Access Denied")
        case ("GET", 5) where parts[2] == "user" && parts[4] == "time-entries":
            return timeEntries(request, state: state)
        case ("PATCH", 5) where parts[2] == "user" && parts[4] == "time-entries":
            return stopEntry(request, state: &state)
        default:
            return .error(404, "No endpoint \(request.method) \(request.path)")
        }
    }

    func timeEntries(_ request: FakeClockifyRequest, state: FakeClockifyState) -> FakeClockifyAnswer {
        var list = state.entries.values.filter { $0.userID == userID }
        if request.query["in-progress"] == "true" {
            list = list.filter(\.isRunning)
        } else {
            let zone = TimeZone(identifier: state.timeZone) ?? .current
            // The trap: the digits are read as wall-clock time in the account's zone, `Z` or not.
            var edges: [String: Date] = [:]
            for name in ["start", "end"] {
                guard let text = request.query[name] else { continue }
                guard let edge = FakeClockifyJSON.parseWallClock(text, in: zone) else {
                    return .error(400, "Invalid \(name) date format, use yyyy-MM-ddThh:mm:ssZ")
                }
                edges[name] = edge
            }
            if let start = edges["start"] { list = list.filter { $0.start >= start } }
            if let end = edges["end"] { list = list.filter { $0.start <= end } }
        }
        let hydrated = request.query["hydrated"] == "true"
        return paged(state.sorted(list), request, state: state) {
            FakeClockifyJSON.entry($0, workspaceID: workspaceID, hydrated: hydrated, projects: state.projects, tags: state.tags)
        }
    }

    func projects(_ request: FakeClockifyRequest, state: FakeClockifyState) -> FakeClockifyAnswer {
        var list = state.projects.sorted { $0.name.lowercased() < $1.name.lowercased() }
        if let archived = request.query["archived"] { list = list.filter { String($0.archived) == archived } }
        return paged(list, request, state: state) { FakeClockifyJSON.project(workspaceID: workspaceID, $0) }
    }

    func tags(_ request: FakeClockifyRequest, state: FakeClockifyState) -> FakeClockifyAnswer {
        var list = state.tags.sorted { $0.name.lowercased() < $1.name.lowercased() }
        if let archived = request.query["archived"] { list = list.filter { String($0.archived) == archived } }
        return paged(list, request, state: state) { FakeClockifyJSON.tag(workspaceID: workspaceID, $0) }
    }

    /// `page` (1-based) and `page-size` (default 50), with `Last-Page`.
    func paged<Item>(
        _ items: [Item], _ request: FakeClockifyRequest, state: FakeClockifyState, render: (Item) -> [String: Any]
    ) -> FakeClockifyAnswer {
        let page = request.query["page"].map { Int($0) } ?? 1
        let size = request.query["page-size"].map { Int($0) } ?? 50
        guard let page, page >= 1 else { return .error(400, "page must be a positive number") }
        guard let size, size >= 1, size <= state.maximumPageSize else {
            return .error(400, "page-size must be between 1 and \(state.maximumPageSize)")
        }
        let from = min(items.count, (page - 1) * size)
        let to = min(items.count, from + size)
        return .json(200, items[from..<to].map(render), headers: [("Last-Page", to >= items.count ? "true" : "false")])
    }

    func startEntry(_ request: FakeClockifyRequest, state: inout FakeClockifyState) -> FakeClockifyAnswer {
        guard let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return .error(400, "Malformed JSON")
        }
        guard let startText = body["start"] as? String, let start = FakeClockifyJSON.parseInstant(startText) else {
            return .error(400, "start is required, as yyyy-MM-ddThh:mm:ssZ")
        }
        var end: Date?
        if let endText = body["end"] as? String {
            guard let parsed = FakeClockifyJSON.parseInstant(endText), parsed >= start else {
                return .error(400, "end must be a time after start")
            }
            end = parsed
        }
        let projectID = body["projectId"] as? String
        if let projectID, !state.projects.contains(where: { $0.id == projectID }) {
            return .error(400, "Project doesn't belong to Workspace")
        }
        let tagIDs = body["tagIds"] as? [String] ?? []
        if let unknown = tagIDs.first(where: { id in !state.tags.contains { $0.id == id } }) {
            return .error(400, "Tag with id \(unknown) doesn't belong to Workspace")
        }
        let entry = FakeClockify.TimeEntry(
            id: state.newID(), userID: userID, description: body["description"] as? String ?? "", projectID: projectID,
            tagIDs: tagIDs, billable: body["billable"] as? Bool ?? false, start: start, end: end)
        state.insert(entry)
        return .json(201, FakeClockifyJSON.entry(entry, workspaceID: workspaceID, hydrated: false, projects: state.projects, tags: state.tags))
    }

    func stopEntry(_ request: FakeClockifyRequest, state: inout FakeClockifyState) -> FakeClockifyAnswer {
        guard let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any],
            let endText = body["end"] as? String, let end = FakeClockifyJSON.parseInstant(endText)
        else { return .error(400, "end is required, as yyyy-MM-ddThh:mm:ssZ") }
        guard var running = state.running(for: userID) else { return .error(404, "No time entry in progress") }
        guard end >= running.start else { return .error(400, "end must be after the start of the running entry") }
        running.end = end
        state.entries[running.id] = running
        return .json(200, FakeClockifyJSON.entry(running, workspaceID: workspaceID, hydrated: false, projects: state.projects, tags: state.tags))
    }
}
