import Foundation

/// `GET /me`: the account behind the token.
public struct TogglUser: Sendable, Equatable, Decodable {
    public var id: Int64
    public var email: String
    public var fullname: String
    /// IANA zone name, e.g. "Europe/Amsterdam".
    public var timezone: String?
    public var defaultWorkspaceID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, email, fullname, timezone
        case defaultWorkspaceID = "default_workspace_id"
    }
}

/// One of `GET /me/projects`.
public struct TogglProject: Sendable, Equatable, Decodable {
    public var id: Int64
    public var workspaceID: Int64
    public var name: String
    public var color: String?
    public var active: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, color, active
        case workspaceID = "workspace_id"
    }
}

/// One of `GET /me/tags`.
public struct TogglTag: Sendable, Equatable, Decodable {
    public var id: Int64
    public var workspaceID: Int64
    public var name: String

    enum CodingKeys: String, CodingKey {
        case id, name
        case workspaceID = "workspace_id"
    }
}

/// One organisation's hourly request quota, from `GET /me/quota`.
public struct TogglQuota: Sendable, Equatable, Decodable {
    public var organizationID: Int64?
    public var remaining: Int?
    public var resetsInSeconds: Int?
    public var total: Int?

    enum CodingKeys: String, CodingKey {
        case remaining, total
        case organizationID = "organization_id"
        case resetsInSeconds = "resets_in_secs"
    }
}
