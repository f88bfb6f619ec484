import Foundation

/// What a test changes "in Toggl" and reads back, as if a user worked in Toggl's own apps.
extension FakeToggl {
    public var noCurrentEntry: NoCurrentEntry {
        get { state.withLock { $0.noCurrentEntry } }
        set { state.withLock { $0.noCurrentEntry = newValue } }
    }

    /// Requests per sliding hour before 402; nil for none.
    public var hourlyQuota: Int? {
        get { state.withLock { $0.hourlyQuota } }
        set { state.withLock { $0.hourlyQuota = newValue } }
    }

    /// The quota's sliding window: an hour at Toggl; seconds in tests that wait for a reset.
    public var quotaWindow: TimeInterval {
        get { state.withLock { $0.quotaWindow } }
        set { state.withLock { $0.quotaWindow = newValue } }
    }

    public var listsNewestFirst: Bool {
        get { state.withLock { $0.listsNewestFirst } }
        set { state.withLock { $0.listsNewestFirst = newValue } }
    }

    /// All entries, deleted ones included, oldest start first.
    public var entries: [Entry] {
        state.withLock { $0.entries.values.sorted { ($0.start, $0.id) < ($1.start, $1.id) } }
    }

    public func entry(_ id: Int64) -> Entry? {
        state.withLock { $0.entries[id] }
    }

    public var projects: [Project] { state.withLock { $0.projects } }
    public var tags: [Tag] { state.withLock { $0.tags } }

    /// Adds an entry; `stop: nil` makes it a running timer. `at` defaults to now; history
    /// added in bulk usually wants an old one, so a `since` request does not list it.
    @discardableResult
    public func addEntry(
        _ description: String = "", start: Date, stop: Date?, projectID: Int64? = nil, tags: [String] = [],
        billable: Bool = false, runningDuration: Int64 = -1, at: Date? = nil
    ) -> Entry {
        state.withLock {
            $0.insert(
                description: description, start: start, stop: stop, projectID: projectID, tags: tags, billable: billable,
                runningDuration: runningDuration, at: at)
        }
    }

    /// Changes an entry and bumps its `at`, as an edit in Toggl does. Nil for an unknown id.
    @discardableResult
    public func editEntry(_ id: Int64, _ change: (inout Entry) -> Void) -> Entry? {
        state.withLock { state in
            guard var entry = state.entries[id] else { return nil }
            change(&entry)
            entry.start = FakeTogglState.whole(entry.start)
            if let stop = entry.stop {
                entry.stop = FakeTogglState.whole(stop)
                entry.duration = Int64(FakeTogglState.whole(stop).timeIntervalSince(entry.start))
            } else if entry.duration >= 0 {
                entry.duration = -1
            }
            _ = state.tagIDs(for: entry.tags)
            entry.at = state.changeTime()
            state.entries[id] = entry
            return entry
        }
    }

    /// Deletes an entry: it stays as a tombstone with `server_deleted_at`, listed by `since`.
    @discardableResult
    public func deleteEntry(_ id: Int64) -> Entry? {
        state.withLock { state in
            guard var entry = state.entries[id], entry.deletedAt == nil else { return nil }
            let now = state.changeTime()
            entry.deletedAt = now
            entry.at = now
            state.entries[id] = entry
            return entry
        }
    }

    /// Starts a timer as Toggl's own app would, stopping a running one first.
    @discardableResult
    public func startTimer(
        _ description: String, projectID: Int64? = nil, tags: [String] = [], at start: Date = Date()
    ) -> Entry {
        state.withLock { state in
            _ = state.stopRunning(at: start)
            return state.insert(
                description: description, start: start, stop: nil, projectID: projectID, tags: tags, billable: false,
                runningDuration: -1, at: nil)
        }
    }

    @discardableResult
    public func stopTimer(at stop: Date = Date()) -> Entry? {
        state.withLock { $0.stopRunning(at: stop) }
    }

    @discardableResult
    public func addProject(_ name: String, active: Bool = true, color: String = "#0b83d9") -> Project {
        state.withLock { state in
            let project = Project(
                id: state.nextProjectID, workspaceID: state.user.workspaceID, name: name, color: color, active: active)
            state.nextProjectID += 1
            state.projects.append(project)
            return project
        }
    }

    public func renameProject(_ id: Int64, to name: String) {
        state.withLock { state in
            guard let index = state.projects.firstIndex(where: { $0.id == id }) else { return }
            state.projects[index].name = name
        }
    }

    // MARK: The request log

    /// Every request the fake answered, oldest first.
    public var requests: [LoggedRequest] { state.withLock { $0.log } }

    /// Requests to one endpoint below the API base (`/me/time_entries`), optionally of one method.
    public func requests(to endpoint: String, method: String? = nil) -> [LoggedRequest] {
        requests.filter { $0.endpoint == endpoint && (method == nil || $0.method == method) }
    }

    public func clearRequests() {
        state.withLock { $0.log.removeAll() }
    }

    /// The next `count` requests (to `endpoint` only, when given) answer `status` instead:
    /// 429 for the rate limit, 5xx for an outage.
    public func failNext(_ count: Int = 1, status: Int, endpoint: String? = nil) {
        state.withLock { state in
            state.failures += Array(repeating: FakeTogglState.Failure(status: status, endpoint: endpoint), count: count)
        }
    }
}
