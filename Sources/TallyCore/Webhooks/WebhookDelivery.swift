import Foundation

/// One event on its way to one endpoint, with what happened on its latest attempt.
public struct WebhookDelivery: Sendable, Equatable {
    public var id: String
    public var endpointID: String
    public var eventID: String
    public var eventType: String
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastLatencyMilliseconds: Int?
    /// The first 2 KB of the endpoint's latest answer.
    public var lastResponse: String?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(
        id: String, endpointID: String, eventID: String, eventType: String, state: DeliveryState, attempts: Int,
        nextAttemptAt: Date?, lastAttemptAt: Date? = nil, lastStatusCode: Int? = nil,
        lastLatencyMilliseconds: Int? = nil, lastResponse: String? = nil, lastError: String? = nil, createdAt: Date,
        deliveredAt: Date? = nil
    ) {
        self.id = id
        self.endpointID = endpointID
        self.eventID = eventID
        self.eventType = eventType
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastLatencyMilliseconds = lastLatencyMilliseconds
        self.lastResponse = lastResponse
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }

    public static let responseExcerptLimit = 2048
}

public enum DeliveryState: String, Sendable {
    /// Waiting for its next attempt.
    case pending
    case delivered
    /// Every scheduled attempt failed, or the endpoint said it is gone.
    case failed
}
