import Foundation
import TallyCore
import TallyStore

/// The seed's `toggl_start`/`toggl_stop`/`toggl_current`: drives the timer at the source and
/// keeps Tally's copy of the entry in step, so the running timer shows at once.
public struct TimerControl: Sendable {
    public let timer: any TimerSource
    public let store: any TallyStore
    public let rules: @Sendable () async throws -> CategoryRules
    public let userID: String
    public let now: @Sendable () -> Date

    public var source: TimeEntrySource { timer.source }

    public static func make(
        sources: ConfiguredSources, requested: TimeEntrySource?, store: any TallyStore,
        rules: @escaping @Sendable () async throws -> CategoryRules, userID: String, now: @escaping @Sendable () -> Date
    ) async throws -> TimerControl {
        let timer = try await sources.timer(requested) { try await store.syncState(source: $0)?.cursor }
        return TimerControl(timer: timer, store: store, rules: rules, userID: userID, now: now)
    }

    public init(
        timer: any TimerSource, store: any TallyStore, rules: @escaping @Sendable () async throws -> CategoryRules,
        userID: String, now: @escaping @Sendable () -> Date
    ) {
        self.timer = timer
        self.store = store
        self.rules = rules
        self.userID = userID
        self.now = now
    }

    /// Starts a timer. `project` wins; else `category` becomes a project or tag the rules map
    /// back to it (see `CategoryRules.timerLabels`).
    public func start(description: String, category: String?, project: String?, tags: [String]) async throws -> TimeEntry {
        let category = category?.trimmingCharacters(in: .whitespaces)
        if let category, category.isEmpty || category.count > 64 {
            throw ValidationError(field: "category", "must be a name of 1 to 64 characters")
        }
        let rules = try await rules()
        var project = project
        var tags = tags
        if project == nil, let category {
            let labels = rules.timerLabels(for: category, projects: try await timer.projectNames())
            project = labels.project
            tags += labels.tags.filter { !tags.contains($0) }
        }
        let started = try await timer.startTimer(description: description, project: project, tags: tags, at: now())
        let entry = try await keep(started, rules: rules)
        guard let category, entry.category.caseInsensitiveCompare(category) != .orderedSame else { return entry }
        // The rules cannot tell this entry's category from its labels (a category no rule
        // names): keep the one asked for, as if chosen by hand.
        let instant = now()
        return try await store.updateTimeEntry(id: entry.id) {
            $0.category = category
            $0.categoryIsManual = true
            $0.updatedAt = instant
        }
    }

    /// Stops the running timer; nil when none ran.
    public func stop() async throws -> TimeEntry? {
        guard let stopped = try await timer.stopTimer(at: now()) else { return nil }
        return try await keep(stopped, rules: try await rules())
    }

    public func current() async throws -> TimeEntry? {
        guard let running = try await timer.currentTimer() else { return nil }
        return try await keep(running, rules: try await rules())
    }

    private func keep(_ remote: RemoteTimeEntry, rules: CategoryRules) async throws -> TimeEntry {
        let entry = SyncEngine.entry(from: remote, source: timer.source, userID: userID, rules: rules, at: now())
        _ = try await store.upsertTimeEntries([entry])
        return try await store.timeEntry(userID: userID, source: timer.source, externalID: remote.externalID) ?? entry
    }
}
