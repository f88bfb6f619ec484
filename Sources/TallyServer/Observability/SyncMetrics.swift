import Foundation
import Prometheus
import TallyIntegrations

/// Auto-sync figures: runs by source and outcome, and the requests they cost (the number that
/// matters against Toggl's and Clockify's hourly quotas).
public struct SyncMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    func observe(_ report: SyncReport) {
        let outcome: String
        switch report.outcome {
        case .synced: outcome = "synced"
        case .waiting: outcome = "waiting"
        case .failed: outcome = "failed"
        }
        let source = report.source.rawValue
        registry.makeCounter(name: "tally_sync_runs_total", labels: [("source", source), ("outcome", outcome)]).increment()
        registry.makeCounter(name: "tally_sync_requests_total", labels: [("source", source)]).increment(by: Int64(report.requests))
        if case .synced(let counts, _) = report.outcome {
            for (change, count) in [("created", counts.added), ("updated", counts.updated), ("deleted", counts.deleted)] {
                registry.makeCounter(name: "tally_sync_entries_total", labels: [("source", source), ("change", change)])
                    .increment(by: Int64(count))
            }
        }
    }
}

extension ServerMetrics {
    public var sync: SyncMetrics { SyncMetrics(registry: registry) }
}
