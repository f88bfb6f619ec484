import Foundation

/// A Webhooks API v1 subscription: where Toggl POSTs a workspace's events.
public struct TogglSubscription: Sendable, Equatable, Decodable {
    public var subscriptionID: Int64
    public var workspaceID: Int64
    public var urlCallback: String
    public var enabled: Bool
    public var description: String
    /// Nil until the callback has answered the validation ping; Toggl delivers nothing before.
    public var validatedAt: Date?
    public var createdAt: Date?

    public var isDelivering: Bool { enabled && validatedAt != nil }

    enum CodingKeys: String, CodingKey {
        case enabled, description
        case subscriptionID = "subscription_id"
        case workspaceID = "workspace_id"
        case urlCallback = "url_callback"
        case validatedAt = "validated_at"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subscriptionID = try container.decode(Int64.self, forKey: .subscriptionID)
        workspaceID = try container.decode(Int64.self, forKey: .workspaceID)
        urlCallback = try container.decode(String.self, forKey: .urlCallback)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        validatedAt = try container.decodeTogglDateIfPresent(forKey: .validatedAt)
        createdAt = try container.decodeTogglDateIfPresent(forKey: .createdAt)
    }
}

/// The body of `POST /subscriptions/{workspace_id}`.
struct TogglSubscriptionRequest: Encodable {
    struct EventFilter: Encodable {
        var entity: String
        var action: String
    }

    var urlCallback: String
    var eventFilters: [EventFilter]
    var enabled: Bool
    var description: String
    var secret: String

    enum CodingKeys: String, CodingKey {
        case enabled, description, secret
        case urlCallback = "url_callback"
        case eventFilters = "event_filters"
    }
}
