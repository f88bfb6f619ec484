import Foundation

/// Something that happened, as sent to endpoints:
/// `{"id":"evt_…","type":"daily_log.created","created_at":…,"data":{…}}`.
/// The body is rendered once, when the event is recorded, so every delivery and retry sends
/// (and signs) the same bytes.
public struct WebhookEvent: Sendable, Equatable {
    public var id: String
    public var type: String
    public var createdAt: Date
    public var body: [UInt8]

    public init(id: String, type: String, createdAt: Date, body: [UInt8]) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.body = body
    }

    public init(type: String, data: JSONValue, at now: Date) {
        let id = Identifier.make("evt", at: now)
        let envelope: JSONValue = .object([
            "id": .string(id), "type": .string(type), "created_at": .string(RFC3339.format(now)), "data": data,
        ])
        self.init(id: id, type: type, createdAt: now, body: envelope.serialized())
    }
}

