import Foundation
import Prometheus
import TallyStore

/// Webhook delivery figures: attempts by outcome, how long endpoints took to answer, and how long
/// after its event each successful delivery arrived.
public struct WebhookMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(600),
    ]

    func observe(_ attempt: DeliveryAttempt, eventCreatedAt: Date) {
        let outcome: String
        switch attempt.outcome {
        case .delivered: outcome = "delivered"
        case .retry: outcome = "retry"
        case .failed: outcome = "failed"
        case .endpointGone: outcome = "gone"
        }
        registry.makeCounter(name: "tally_webhook_attempts_total", labels: [("outcome", outcome)]).increment()
        registry.makeDurationHistogram(name: "tally_webhook_attempt_duration_seconds", buckets: Self.buckets)
            .record(.milliseconds(attempt.latencyMilliseconds))
        if attempt.outcome == .delivered {
            let lag = max(0, attempt.at.timeIntervalSince(eventCreatedAt)) + Double(attempt.latencyMilliseconds) / 1000
            registry.makeDurationHistogram(name: "tally_webhook_event_to_delivery_seconds", buckets: Self.buckets)
                .record(.milliseconds(Int64(lag * 1000)))
        }
    }
}

extension ServerMetrics {
    public var webhooks: WebhookMetrics { WebhookMetrics(registry: registry) }
}
