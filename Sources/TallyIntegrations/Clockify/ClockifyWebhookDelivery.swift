import Foundation

/// The time-entry events a Clockify webhook can be created for, as `Clockify-Webhook-Event-Type`
/// names them.
public enum ClockifyWebhookEvent: String, Sendable, CaseIterable {
    case newTimeEntry = "NEW_TIME_ENTRY"
    case newTimerStarted = "NEW_TIMER_STARTED"
    case timerStopped = "TIMER_STOPPED"
    case timeEntryUpdated = "TIME_ENTRY_UPDATED"
    case timeEntryDeleted = "TIME_ENTRY_DELETED"
    case timeEntrySplit = "TIME_ENTRY_SPLIT"
    case timeEntryRestored = "TIME_ENTRY_RESTORED"

    public static let headerName = "Clockify-Webhook-Event-Type"
}

/// What one delivery asks of the store.
public enum ClockifyWebhookChange: Sendable, Equatable {
    case upsert(RemoteTimeEntry)
    /// The entry as it was when deleted; its `externalID` is what matters.
    case delete(RemoteTimeEntry)
}

/// One inbound delivery, decoded. Pure: the route checks the signature, looks up the name maps
/// (from the last sync's `ClockifySyncState`) and applies the changes.
public struct ClockifyWebhookDelivery: Sendable, Equatable {
    public var event: ClockifyWebhookEvent
    /// Empty when the delivery is about another user's entry.
    public var changes: [ClockifyWebhookChange]

    public init(event: ClockifyWebhookEvent, changes: [ClockifyWebhookChange]) {
        self.event = event
        self.changes = changes
    }

    /// Decodes the bare time-entry JSON Clockify posts. A split may carry both halves as an array.
    /// `userID`, when given, drops entries of other users: a workspace webhook fires for everyone's.
    public static func decode(
        eventType: String?, body: some Collection<UInt8>, userID: String? = nil, projectNames: [String: String] = [:],
        tagNames: [String: String] = [:], timeZone: String? = nil
    ) throws(ClockifyWebhookError) -> ClockifyWebhookDelivery {
        guard let eventType = eventType?.trimmingCharacters(in: .whitespaces), !eventType.isEmpty else {
            throw .missingEventType
        }
        guard let event = ClockifyWebhookEvent(rawValue: eventType.uppercased()) else {
            throw .unsupportedEvent(String(eventType.prefix(60)))
        }
        let data = Data(body)
        let entries: [ClockifyTimeEntry]
        do {
            let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
            entries = first == UInt8(ascii: "[")
                ? try JSONDecoder().decode([ClockifyTimeEntry].self, from: data)
                : [try JSONDecoder().decode(ClockifyTimeEntry.self, from: data)]
        } catch {
            throw .malformedBody(ClockifyError.oneLine(ClockifyError.summary(of: error), hiding: ""))
        }
        let changes = entries.filter { userID == nil || $0.userID == nil || $0.userID == userID }.map { entry in
            let remote = entry.remoteEntry(projectNames: projectNames, tagNames: tagNames, timeZone: timeZone)
            return event == .timeEntryDeleted ? ClockifyWebhookChange.delete(remote) : .upsert(remote)
        }
        return ClockifyWebhookDelivery(event: event, changes: changes)
    }
}

/// Why a delivery could not be decoded. `unsupportedEvent` is for events Tally does not handle
/// (project, tag, client events): the route should accept and ignore those, not make Clockify retry.
public enum ClockifyWebhookError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingEventType
    case unsupportedEvent(String)
    case malformedBody(String)

    public var description: String {
        switch self {
        case .missingEventType: "The Clockify delivery has no \(ClockifyWebhookEvent.headerName) header."
        case .unsupportedEvent(let name): "Tally does not handle the Clockify event \(name)."
        case .malformedBody(let reason): "The Clockify delivery is not a time entry: \(reason)"
        }
    }
}
