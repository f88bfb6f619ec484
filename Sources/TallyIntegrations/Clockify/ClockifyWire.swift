import Foundation
import TallyCore

/// `GET /user`: who the API key belongs to, and the zone Clockify reads query times in.
public struct ClockifyUser: Sendable, Equatable, Decodable {
    public struct Settings: Sendable, Equatable, Decodable {
        public var timeZone: String?
    }

    public var id: String
    public var email: String?
    public var name: String?
    public var activeWorkspace: String?
    public var defaultWorkspace: String?
    public var settings: Settings?

    public init(
        id: String, email: String? = nil, name: String? = nil, activeWorkspace: String? = nil,
        defaultWorkspace: String? = nil, timeZone: String? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.activeWorkspace = activeWorkspace
        self.defaultWorkspace = defaultWorkspace
        self.settings = Settings(timeZone: timeZone)
    }

    /// The account's `settings.timeZone`, an IANA name.
    public var timeZone: String? { settings?.timeZone }

    /// The workspace the user works in now; a new account has only its default one.
    public var workspaceID: String? { activeWorkspace ?? defaultWorkspace }
}

public struct ClockifyProject: Sendable, Equatable, Decodable {
    public var id: String
    public var name: String
    public var archived: Bool
    public var clientName: String?

    public init(id: String, name: String, archived: Bool = false, clientName: String? = nil) {
        self.id = id
        self.name = name
        self.archived = archived
        self.clientName = clientName
    }

    enum CodingKeys: String, CodingKey { case id, name, archived, clientName }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        archived = try container.decodeIfPresent(Bool.self, forKey: .archived) ?? false
        clientName = try container.decodeIfPresent(String.self, forKey: .clientName)
    }
}

public struct ClockifyTag: Sendable, Equatable, Decodable {
    public var id: String
    public var name: String
    public var archived: Bool

    public init(id: String, name: String, archived: Bool = false) {
        self.id = id
        self.name = name
        self.archived = archived
    }

    enum CodingKeys: String, CodingKey { case id, name, archived }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        archived = try container.decodeIfPresent(Bool.self, forKey: .archived) ?? false
    }
}

/// A time entry as the listing, the timer calls and webhook deliveries send it.
public struct ClockifyTimeEntry: Sendable, Equatable, Decodable {
    public var id: String
    public var description: String
    public var userID: String?
    public var workspaceID: String?
    public var projectID: String?
    public var tagIDs: [String]
    public var start: Date
    /// Nil while the timer runs.
    public var end: Date?
    /// ISO 8601 (`PT2H54M`); nil while running.
    public var duration: String?
    /// Webhook deliveries and hydrated listings embed the project and tags with their names.
    public var embeddedProject: ClockifyProject?
    public var embeddedTags: [ClockifyTag]?

    public init(
        id: String, description: String = "", userID: String? = nil, workspaceID: String? = nil,
        projectID: String? = nil, tagIDs: [String] = [], start: Date, end: Date?, duration: String? = nil,
        embeddedProject: ClockifyProject? = nil, embeddedTags: [ClockifyTag]? = nil
    ) {
        self.id = id
        self.description = description
        self.userID = userID
        self.workspaceID = workspaceID
        self.projectID = projectID
        self.tagIDs = tagIDs
        self.start = start
        self.end = end
        self.duration = duration
        self.embeddedProject = embeddedProject
        self.embeddedTags = embeddedTags
    }

    public var isRunning: Bool { end == nil }

    /// Seconds `duration` stands for, nil when absent or unreadable.
    public var durationSeconds: Double? { duration.flatMap(ClockifyDuration.seconds) }

    enum CodingKeys: String, CodingKey {
        case id, description, userId, workspaceId, projectId, tagIds, timeInterval, project, tags
    }

    enum IntervalKeys: String, CodingKey { case start, end, duration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        userID = try container.decodeIfPresent(String.self, forKey: .userId)
        workspaceID = try container.decodeIfPresent(String.self, forKey: .workspaceId)
        projectID = try container.decodeIfPresent(String.self, forKey: .projectId)
        tagIDs = try container.decodeIfPresent([String].self, forKey: .tagIds) ?? []
        let interval = try container.nestedContainer(keyedBy: IntervalKeys.self, forKey: .timeInterval)
        guard let start = try Self.instant(interval, .start) else {
            throw DecodingError.valueNotFound(
                String.self, .init(codingPath: interval.codingPath + [IntervalKeys.start], debugDescription: "a time entry needs a start"))
        }
        self.start = start
        end = try Self.instant(interval, .end)
        duration = try interval.decodeIfPresent(String.self, forKey: .duration)
        // The embedded objects are a convenience: a shape this code does not expect must not cost the entry.
        embeddedProject = (try? container.decodeIfPresent(ClockifyProject.self, forKey: .project)) ?? nil
        embeddedTags = (try? container.decodeIfPresent([ClockifyTag].self, forKey: .tags)) ?? nil
    }

    /// Nil when the key is absent or null (`end` of a running entry).
    private static func instant(_ container: KeyedDecodingContainer<IntervalKeys>, _ key: IntervalKeys) throws -> Date? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text.prefix(40))")
        }
        return date
    }
}

/// `POST /workspaces/{wid}/time-entries` without `end`: starts a timer.
struct ClockifyNewTimer: Encodable {
    var start: String
    var description: String
    var projectId: String?
    var tagIds: [String]
}

/// `PATCH /workspaces/{wid}/user/{uid}/time-entries`: stops the running timer.
struct ClockifyStopTimer: Encodable {
    var end: String
}

/// The body of Clockify's error answers: `{"message": "...", "code": 501}`.
struct ClockifyErrorBody: Decodable {
    var message: String?
}
