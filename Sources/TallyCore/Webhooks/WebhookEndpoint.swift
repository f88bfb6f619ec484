import Foundation

/// A URL that receives signed events. Its signing secrets are kept sealed (encrypted); only the
/// webhooks module can open them.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var url: String
    /// Event types to deliver, or `["*"]` for all.
    public var events: [String]
    public var description: String?
    public var enabled: Bool
    /// Why Tally switched the endpoint off (410 Gone, failing for days); nil when a person did.
    public var disabledReason: String?
    /// When the current run of failed deliveries began; nil while deliveries succeed.
    public var failingSince: Date?
    public var secrets: SealedSecrets
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, url: String, events: [String], description: String? = nil, enabled: Bool = true,
        disabledReason: String? = nil, failingSince: Date? = nil, secrets: SealedSecrets, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.failingSince = failingSince
        self.secrets = secrets
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func wants(_ type: String) -> Bool {
        events.contains("*") || events.contains(type)
    }

    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        if events.isEmpty {
            problems.add("events", "must name at least one event type, or \"*\" for all")
        }
        for (index, type) in events.enumerated() where type != "*" && !EventType.subscribable.contains(type) {
            problems.add("events/\(index)", "'\(type)' is not an event type Tally sends")
        }
        if let description { problems.checkText("description", description, maxLength: 500, allowEmpty: true) }
        try problems.throwIfAny()
    }
}

/// Signing secrets, encrypted. During a rotation the previous secret keeps signing beside the
/// current one until `previousExpiresAt`.
public struct SealedSecrets: Sendable, Equatable {
    public var current: [UInt8]
    public var previous: [UInt8]?
    public var previousExpiresAt: Date?

    public init(current: [UInt8], previous: [UInt8]? = nil, previousExpiresAt: Date? = nil) {
        self.current = current
        self.previous = previous
        self.previousExpiresAt = previousExpiresAt
    }
}
