import Foundation

/// Everything the fake Toggl holds, changed only under FakeToggl's lock.
struct FakeTogglState {
    let user: FakeToggl.User
    let pageLimit: Int
    let maximumSinceAge: TimeInterval
    let subscriptionLimit: Int
    let makeValidationCode: @Sendable (Int64) -> String
    var hourlyQuota: Int?
    var quotaWindow: TimeInterval = 3600
    var noCurrentEntry: FakeToggl.NoCurrentEntry
    var listsNewestFirst: Bool

    var entries: [Int64: FakeToggl.Entry] = [:]
    var projects: [FakeToggl.Project] = []
    var tags: [FakeToggl.Tag] = []
    var subscriptions: [FakeToggl.Subscription] = []
    var sentEvents: [Int64: FakeToggl.SentEvent] = [:]
    var deliveries: [FakeToggl.Delivery] = []
    var log: [FakeToggl.LoggedRequest] = []
    /// When each request that counted against the quota arrived, within the last hour.
    var quotaUses: [Date] = []
    var failures: [Failure] = []
    /// Real Toggl answers served instead of the fake's own (FakeToggl+Recorded).
    var recorded: [FakeToggl.RecordedAnswer] = []

    var nextEntryID: Int64 = 3_095_646_709
    var nextProjectID: Int64 = 193_791
    var nextTagID: Int64 = 12
    var nextSubscriptionID: Int64 = 1
    var nextEventID: Int64 = 1_000_001
    private var lastChange = Date.distantPast

    struct Failure {
        var status: Int
        var endpoint: String?
    }

    init(configuration: FakeToggl.Configuration) {
        user = configuration.user
        pageLimit = configuration.pageLimit
        maximumSinceAge = configuration.maximumSinceAge
        subscriptionLimit = configuration.subscriptionLimit
        makeValidationCode = configuration.makeValidationCode
        hourlyQuota = configuration.hourlyQuota
        noCurrentEntry = configuration.noCurrentEntry
        listsNewestFirst = configuration.listsNewestFirst
    }

    /// A change's `at`: never earlier than the previous change's, so `since` cannot miss one.
    mutating func changeTime(_ now: Date = Date()) -> Date {
        lastChange = max(now, lastChange + 0.001)
        return lastChange
    }

    var running: FakeToggl.Entry? {
        entries.values.first { $0.isRunning && $0.deletedAt == nil }
    }

    /// Toggl creates a tag on first use by name.
    mutating func tagIDs(for names: [String]) -> [Int64] {
        names.map { name in
            if let tag = tags.first(where: { $0.name == name }) { return tag.id }
            let tag = FakeToggl.Tag(id: nextTagID, workspaceID: user.workspaceID, name: name)
            nextTagID += 1
            tags.append(tag)
            return tag.id
        }
    }

    mutating func insert(
        description: String, start: Date, stop: Date?, projectID: Int64?, tags names: [String], billable: Bool,
        runningDuration: Int64, at: Date?
    ) -> FakeToggl.Entry {
        _ = tagIDs(for: names)
        let entry = FakeToggl.Entry(
            id: nextEntryID, workspaceID: user.workspaceID, projectID: projectID, description: description, tags: names,
            start: Self.whole(start), stop: stop.map(Self.whole),
            duration: stop.map { Int64(Self.whole($0).timeIntervalSince(Self.whole(start))) } ?? runningDuration,
            billable: billable, at: at ?? changeTime(), deletedAt: nil)
        nextEntryID += 1
        entries[entry.id] = entry
        return entry
    }

    /// Stops the running entry, as Toggl does before starting another.
    mutating func stopRunning(at stop: Date) -> FakeToggl.Entry? {
        guard var entry = running else { return nil }
        let stop = max(Self.whole(stop), entry.start)
        entry.stop = stop
        entry.duration = Int64(stop.timeIntervalSince(entry.start))
        entry.at = changeTime()
        entries[entry.id] = entry
        return entry
    }

    /// Toggl keeps whole seconds.
    static func whole(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    // MARK: Wire shapes

    /// A time entry as REST writes it: `+00:00` times, `null` for no tags or project.
    func restJSON(_ entry: FakeToggl.Entry) -> [String: Any] {
        json(entry, time: FakeTogglTime.rest, changeTime: FakeTogglTime.rest)
    }

    /// A time entry as a webhook payload writes it: `Z` times, `at` with fractional seconds.
    func webhookJSON(_ entry: FakeToggl.Entry) -> [String: Any] {
        json(entry, time: FakeTogglTime.zulu, changeTime: { FakeTogglTime.zulu($0, fractionDigits: 6) })
    }

    private func json(
        _ entry: FakeToggl.Entry, time: (Date) -> String, changeTime: (Date) -> String
    ) -> [String: Any] {
        let tagIDs = entry.tags.compactMap { name in tags.first { $0.name == name }?.id }
        let project: Any = entry.projectID ?? NSNull()
        return [
            "id": entry.id, "workspace_id": entry.workspaceID, "project_id": project, "task_id": NSNull(),
            "billable": entry.billable, "start": time(entry.start), "stop": entry.stop.map(time) ?? NSNull(),
            "duration": entry.duration, "description": entry.description,
            "tags": entry.tags.isEmpty ? NSNull() : entry.tags, "tag_ids": tagIDs.isEmpty ? NSNull() : tagIDs,
            "duronly": true, "at": changeTime(entry.at), "server_deleted_at": entry.deletedAt.map(changeTime) ?? NSNull(),
            "user_id": user.id, "uid": user.id, "wid": entry.workspaceID, "pid": project, "tid": NSNull(),
        ]
    }

    func projectJSON(_ project: FakeToggl.Project) -> [String: Any] {
        [
            "id": project.id, "workspace_id": project.workspaceID, "name": project.name, "color": project.color,
            "active": project.active, "is_private": false, "billable": false, "client_id": NSNull(),
        ]
    }

    func subscriptionJSON(_ subscription: FakeToggl.Subscription) -> [String: Any] {
        [
            "subscription_id": subscription.id, "workspace_id": subscription.workspaceID, "user_id": user.id,
            "enabled": subscription.enabled, "description": subscription.description,
            "event_filters": subscription.eventFilters.map { ["entity": $0.entity, "action": $0.action] },
            "url_callback": subscription.urlCallback, "secret": subscription.secret,
            "validated_at": subscription.validatedAt.map(FakeTogglTime.rest) ?? NSNull(),
            "has_pending_events": false, "created_at": FakeTogglTime.rest(subscription.createdAt),
            "updated_at": FakeTogglTime.rest(subscription.createdAt),
        ]
    }
}

enum FakeTogglJSON {
    static func bytes(_ value: Any) -> [UInt8] {
        let data = try? JSONSerialization.data(
            withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        return Array(data ?? Data("null".utf8))
    }

    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    static func int64(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        return number.int64Value
    }
}
