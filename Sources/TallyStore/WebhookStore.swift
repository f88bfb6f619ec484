import Foundation
import TallyCore

/// Webhook endpoints and the outbox of events waiting to reach them. Events are recorded by the
/// store itself, in the transaction of the change they describe; the dispatcher claims the
/// deliveries that are due and reports back what happened.
public protocol WebhookStore: Sendable {
    /// Wakes the dispatcher when a commit scheduled deliveries.
    var outboxSignal: OutboxSignal { get }

    func createWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws
    func webhookEndpoint(id: String) async throws -> WebhookEndpoint?
    func webhookEndpoints() async throws -> [WebhookEndpoint]
    func updateWebhookEndpoint(
        id: String, _ change: @escaping @Sendable (inout WebhookEndpoint) throws -> Void
    ) async throws -> WebhookEndpoint
    func deleteWebhookEndpoint(id: String) async throws -> Bool

    /// Records an event that no data change carries (a test ping), for every endpoint that wants
    /// it or only for `endpointID`. Returns the deliveries it scheduled.
    @discardableResult
    func recordEvent(_ event: WebhookEvent, onlyTo endpointID: String?) async throws -> [WebhookDelivery]

    /// Takes up to `perEndpoint` due deliveries of each enabled endpoint, fewer where
    /// `busy[endpoint]` are already in flight, and holds them until `leaseUntil` so neither this
    /// nor another process sends them twice meanwhile. A crash leaves them to be retried after the lease.
    func claimDueDeliveries(at now: Date, leaseUntil: Date, perEndpoint: Int, busy: [String: Int]) async throws
        -> [ClaimedDelivery]
    /// Writes what happened on attempts, in one transaction.
    func recordDeliveryAttempts(_ attempts: [DeliveryAttempt]) async throws

    func deliveries(endpointID: String, after id: String?, limit: Int) async throws -> [WebhookDelivery]
    /// Schedules a delivery again, now, whatever its state, with a fresh retry schedule.
    func redeliver(endpointID: String, deliveryID: String, at now: Date) async throws -> WebhookDelivery
    /// Forgets events (and their deliveries) older than `cutoff` that are not still pending.
    func purgeEvents(before cutoff: Date) async throws
}

/// A delivery the dispatcher holds, with what it needs to send it.
public struct ClaimedDelivery: Sendable {
    public var delivery: WebhookDelivery
    public var url: String
    public var secrets: SealedSecrets
    public var body: [UInt8]
    public var eventCreatedAt: Date

    public init(delivery: WebhookDelivery, url: String, secrets: SealedSecrets, body: [UInt8], eventCreatedAt: Date) {
        self.delivery = delivery
        self.url = url
        self.secrets = secrets
        self.body = body
        self.eventCreatedAt = eventCreatedAt
    }
}

/// The result of one attempt and what follows from it.
public struct DeliveryAttempt: Sendable {
    public var deliveryID: String
    public var endpointID: String
    public var at: Date
    public var statusCode: Int?
    public var latencyMilliseconds: Int
    public var response: String?
    public var error: String?
    public var outcome: Outcome

    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Try again at this time.
        case retry(at: Date)
        /// No more attempts.
        case failed
        /// No more attempts, and switch the endpoint off with this reason (410 Gone).
        case endpointGone(reason: String)
    }

    /// After a failure: switch the endpoint off when it has been failing since before this.
    public var disableIfFailingSince: Date?

    public init(
        deliveryID: String, endpointID: String, at: Date, statusCode: Int?, latencyMilliseconds: Int,
        response: String?, error: String?, outcome: Outcome, disableIfFailingSince: Date? = nil
    ) {
        self.deliveryID = deliveryID
        self.endpointID = endpointID
        self.at = at
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.response = response
        self.error = error
        self.outcome = outcome
        self.disableIfFailingSince = disableIfFailingSince
    }
}

/// A level-triggered wake-up: any number of signals before a wait wake it once.
public final class OutboxSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func signal() { continuation.yield() }

    /// The wake-ups, for the one dispatcher that waits on them.
    public var wakeUps: AsyncStream<Void> { stream }
}
