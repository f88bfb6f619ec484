import Foundation

/// A time entry as Toggl's API v9 and its webhook payloads write it. Only what Tally reads is
/// declared; `wid`/`pid` are the legacy spellings some answers still carry.
public struct TogglTimeEntry: Sendable, Equatable, Decodable {
    public var id: Int64
    public var workspaceID: Int64
    public var projectID: Int64?
    /// Toggl sends `null` for an entry without one; read as empty.
    public var description: String
    public var tags: [String]
    public var tagIDs: [Int64]
    public var start: Date
    public var stop: Date?
    /// Seconds when stopped; negative while running (-1, or minus the start epoch from older
    /// clients). Never a source of elapsed time.
    public var duration: Int64
    public var billable: Bool
    /// When Toggl last changed the entry.
    public var at: Date?
    /// Set on the tombstones a `since` request returns for deleted entries.
    public var serverDeletedAt: Date?
    /// Whose entry it is (`user_id`, or the legacy `uid`): webhooks fire for a whole workspace.
    public var userID: Int64?

    public init(
        id: Int64, workspaceID: Int64, projectID: Int64? = nil, description: String = "", tags: [String] = [],
        tagIDs: [Int64] = [], start: Date, stop: Date?, duration: Int64, billable: Bool = false, at: Date? = nil,
        serverDeletedAt: Date? = nil, userID: Int64? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.projectID = projectID
        self.description = description
        self.tags = tags
        self.tagIDs = tagIDs
        self.start = start
        self.stop = stop
        self.duration = duration
        self.billable = billable
        self.at = at
        self.serverDeletedAt = serverDeletedAt
        self.userID = userID
    }

    public var isRunning: Bool { stop == nil || duration < 0 }
    public var isDeleted: Bool { serverDeletedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, description, tags, start, stop, duration, billable, at, wid, pid, uid
        case userID = "user_id"
        case workspaceID = "workspace_id"
        case projectID = "project_id"
        case tagIDs = "tag_ids"
        case serverDeletedAt = "server_deleted_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        guard let workspace = try container.decodeIfPresent(Int64.self, forKey: .workspaceID)
            ?? container.decodeIfPresent(Int64.self, forKey: .wid)
        else {
            throw DecodingError.keyNotFound(
                CodingKeys.workspaceID, .init(codingPath: container.codingPath, debugDescription: "no workspace_id or wid"))
        }
        workspaceID = workspace
        projectID = try container.decodeIfPresent(Int64.self, forKey: .projectID)
            ?? container.decodeIfPresent(Int64.self, forKey: .pid)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        tagIDs = try container.decodeIfPresent([Int64].self, forKey: .tagIDs) ?? []
        start = try container.decodeTogglDate(forKey: .start)
        stop = try container.decodeTogglDateIfPresent(forKey: .stop)
        duration = try container.decodeIfPresent(Int64.self, forKey: .duration) ?? -1
        billable = try container.decodeIfPresent(Bool.self, forKey: .billable) ?? false
        at = try container.decodeTogglDateIfPresent(forKey: .at)
        serverDeletedAt = try container.decodeTogglDateIfPresent(forKey: .serverDeletedAt)
        userID = try container.decodeIfPresent(Int64.self, forKey: .userID)
            ?? container.decodeIfPresent(Int64.self, forKey: .uid)
    }
}
