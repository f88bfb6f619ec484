import Foundation

/// A span of tracked time, from any source, in one category.
public struct TimeEntry: Sendable, Equatable {
    /// Limits on what the API and the dashboard accept (openapi.yaml says the same).
    public static let maximumDescriptionLength = 1000
    public static let maximumProjectLength = 200
    public static let maximumTagCount = 50
    public static let maximumTagLength = 100

    public var id: String
    public var userID: String
    public var source: TimeEntrySource
    /// The source's own id, or a natural key where the source has none (Apple Health).
    /// Unique per source: what makes a re-import or re-sync change nothing.
    public var externalID: String?
    public var description: String
    public var project: String?
    public var tags: [String]
    public var category: String
    /// Set when a person chose the category: rules and later syncs leave it alone.
    public var categoryIsManual: Bool
    public var start: Date
    /// Nil while a timer runs.
    public var stop: Date?
    /// The IANA zone the time was tracked in, when the source says.
    public var timezone: String?
    /// Source-specific facts kept with the entry (a workout's distance and energy).
    public var details: [String: JSONValue]
    /// When the source last changed the entry (Toggl's `at`), when it says: older news arriving
    /// late (a retried webhook) does not overwrite newer.
    public var sourceChangedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, userID: String, source: TimeEntrySource, externalID: String?, description: String,
        project: String? = nil, tags: [String] = [], category: String, categoryIsManual: Bool = false, start: Date, stop: Date?, timezone: String? = nil,
        details: [String: JSONValue] = [:], sourceChangedAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.source = source
        self.externalID = externalID
        self.description = description
        self.project = project
        self.tags = tags
        self.category = category
        self.categoryIsManual = categoryIsManual
        self.start = start
        self.stop = stop
        self.timezone = timezone
        self.details = details
        self.sourceChangedAt = sourceChangedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whole seconds from start to stop; nil while running.
    public var durationSeconds: Int? {
        guard let stop else { return nil }
        let seconds = stop.timeIntervalSince(start).rounded()
        return seconds.isFinite && abs(seconds) < 1e15 ? Int(seconds) : nil
    }
}

public enum TimeEntrySource: String, Sendable, CaseIterable {
    case toggl, clockify
    case appleHealth = "apple_health"
    case healthAutoExport = "health_auto_export"
    case manual
}

/// The categories of the integrations seed, and its default mapping of workouts.
public enum Category {
    public static let work = "Work"
    public static let coding = "Coding"
    public static let sport = "Sport"
    public static let read = "Read"
    public static let entertainment = "Entertainment"
    public static let yoga = "Yoga"
    public static let walking = "Walking"
    public static let uncategorized = "Uncategorized"

    /// How Apple Health and Health Auto Export name a mindful session's entry; the rules'
    /// `workouts` table maps it (to Yoga by default, the seed's "Mindful Session → Yoga").
    public static let mindfulSessionName = "Mindful Session"
}

extension TimeEntry {
    public var eventData: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "user_id": .string(userID), "source": .string(source.rawValue),
            "description": .string(description), "tags": .array(tags.map(JSONValue.string)),
            "category": .string(category), "category_manual": .bool(categoryIsManual), "start": .time(start), "details": .object(details),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt),
        ]
        object["external_id"] = externalID.map(JSONValue.string)
        object["project"] = project.map(JSONValue.string)
        object["stop"] = stop.map(JSONValue.time)
        object["duration"] = durationSeconds.map { .integer(Int64($0)) }
        object["timezone"] = timezone.map(JSONValue.string)
        return .object(object)
    }
}
