import Foundation
import TallyCore

/// One POST from Toggl's Webhooks API: a validation ping or an event. Decoded from the raw body
/// after its signature has been checked (TogglWebhookSignature).
public enum TogglWebhookDelivery: Sendable, Equatable {
    /// Answer 2xx with `{"validation_code": code}` to validate the subscription.
    case ping(validationCode: String?)
    case event(TogglWebhookEvent)

    public static func decode(_ body: some DataProtocol) throws(TogglWebhookDecodingError) -> TogglWebhookDelivery {
        let data = Data(body)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw TogglWebhookDecodingError("not a Toggl webhook delivery: \(TogglClient.describe(error))")
        }
        let metadata = envelope.metadata ?? [:]
        if case .text(let text) = envelope.payload, text == "ping" || envelope.validationCode != nil {
            return .ping(validationCode: envelope.validationCode)
        }
        guard let actionText = metadata["action"]?.value, let model = metadata["model"]?.value else {
            throw TogglWebhookDecodingError("the delivery is neither a ping nor an event (no metadata.action/model)")
        }
        guard let action = TogglWebhookAction(rawValue: actionText) else {
            throw TogglWebhookDecodingError("unknown event action \"\(actionText)\"")
        }
        guard let timestampText = envelope.timestamp, let timestamp = RFC3339.parse(timestampText) else {
            throw TogglWebhookDecodingError("the event has no readable timestamp")
        }
        guard let eventID = envelope.eventID?.value else {
            throw TogglWebhookDecodingError("the event has no event_id")
        }
        var entry: TogglTimeEntry?
        if model == "time_entry", case .structured = envelope.payload {
            do {
                entry = try JSONDecoder().decode(EntryEnvelope.self, from: data).payload
            } catch where action == .deleted {
                // A deletion is usable with only metadata's id, whatever the payload holds.
                entry = nil
            } catch {
                throw TogglWebhookDecodingError("the time entry in the event cannot be read: \(TogglClient.describe(error))")
            }
        }
        let entityID = metadata["\(model)_id"]?.value ?? entry.map { String($0.id) }
        return .event(
            TogglWebhookEvent(
                id: eventID, action: action, model: model, timestamp: timestamp,
                subscriptionID: envelope.subscriptionID?.value.flatMap { Int64($0) },
                workspaceID: metadata["workspace_id"]?.value.flatMap { Int64($0) } ?? entry?.workspaceID,
                entityID: entityID, entry: entry))
    }

    struct Envelope: Decodable {
        var eventID: LooseText?
        var timestamp: String?
        var metadata: [String: LooseText]?
        var payload: PayloadShape
        var validationCode: String?
        var subscriptionID: LooseText?

        enum CodingKeys: String, CodingKey {
            case timestamp, metadata, payload
            case eventID = "event_id"
            case validationCode = "validation_code"
            case subscriptionID = "subscription_id"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            eventID = try container.decodeIfPresent(LooseText.self, forKey: .eventID)
            timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
            metadata = try container.decodeIfPresent([String: LooseText].self, forKey: .metadata)
            payload = try container.decodeIfPresent(PayloadShape.self, forKey: .payload) ?? .structured
            validationCode = try container.decodeIfPresent(String.self, forKey: .validationCode)
            subscriptionID = try container.decodeIfPresent(LooseText.self, forKey: .subscriptionID)
        }
    }

    struct EntryEnvelope: Decodable {
        var payload: TogglTimeEntry
    }

    /// A ping's payload is the string "ping"; an event's is the changed object.
    enum PayloadShape: Decodable {
        case text(String)
        case structured

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .structured
            }
        }
    }

    /// Metadata values are strings in events but numbers in pings (`event_user_id`).
    struct LooseText: Decodable {
        var value: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = nil
            } else if let text = try? container.decode(String.self) {
                value = text
            } else if let number = try? container.decode(Int64.self) {
                value = String(number)
            } else if let number = try? container.decode(Double.self) {
                value = String(number)
            } else if let flag = try? container.decode(Bool.self) {
                value = String(flag)
            } else {
                value = nil
            }
        }
    }
}

public enum TogglWebhookAction: String, Sendable, Equatable {
    case created, updated, deleted
}

/// A change Toggl reports: `model` is the entity ("time_entry", "project", ...).
public struct TogglWebhookEvent: Sendable, Equatable {
    /// Toggl's `event_id`; a retried delivery repeats it, so it identifies duplicates.
    public var id: String
    public var action: TogglWebhookAction
    public var model: String
    /// Refreshed by Toggl on each retry: an old one means a replayed body.
    public var timestamp: Date
    public var subscriptionID: Int64?
    public var workspaceID: Int64?
    /// The changed object's id: metadata's `<model>_id`, else the payload's `id`.
    public var entityID: String?
    /// The payload, for time-entry events whose payload is a whole entry.
    public var entry: TogglTimeEntry?

    public init(
        id: String, action: TogglWebhookAction, model: String, timestamp: Date, subscriptionID: Int64? = nil,
        workspaceID: Int64? = nil, entityID: String? = nil, entry: TogglTimeEntry? = nil
    ) {
        self.id = id
        self.action = action
        self.model = model
        self.timestamp = timestamp
        self.subscriptionID = subscriptionID
        self.workspaceID = workspaceID
        self.entityID = entityID
        self.entry = entry
    }

    /// True when `timestamp` is further than `maximumAge` from `now`, either way.
    public func isStale(now: Date, maximumAge: TimeInterval = 300) -> Bool {
        abs(now.timeIntervalSince(timestamp)) > maximumAge
    }
}

public struct TogglWebhookDecodingError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
