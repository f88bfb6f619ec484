import Prometheus
import Synchronization
import TallyStore

/// The server's Prometheus registry: HTTP requests by route and status, their latency, and the
/// database's use. One registry per application, so tests can run several side by side.
public final class ServerMetrics: Sendable {
    public init() {}

    let registry = PrometheusCollectorRegistry()
    private let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Each route's counter and histogram, found once: the registry's own lookup takes a lock and
    /// builds its label key on every call.
    private let requestSeries = Mutex<[RequestSeries: (Counter, DurationHistogram)]>([:])

    private struct RequestSeries: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let series = RequestSeries(method: method, route: route, status: status)
        let (counter, histogram) = requestSeries.withLock { known in
            if let found = known[series] { return found }
            let made = (
                registry.makeCounter(
                    name: "tally_http_requests_total",
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(
                    name: "tally_http_request_duration_seconds", labels: [("method", method), ("route", route)],
                    buckets: latencyBuckets)
            )
            known[series] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    /// Reads answered from the read cache (`hit`) or from the database (`miss`).
    func recordReadCache(hit: Bool) {
        registry.makeCounter(name: "tally_read_cache_requests_total", labels: [("result", hit ? "hit" : "miss")]).increment()
    }

    /// Time entries held in memory for reports.
    func recordReportTable(entries: Int) {
        registry.makeGauge(name: "tally_report_table_entries").set(to: Double(entries))
    }

    func recordRateLimited() {
        registry.makeCounter(name: "tally_rate_limited_total").increment()
    }

    public var database: DatabaseMetrics { DatabaseMetrics(registry: registry, buckets: latencyBuckets) }

    func exposition() -> String { registry.emitToString() }
}

/// Connection-pool figures from the store: readers allowed, operations in flight and waiting,
/// and how long each took (including the wait for a connection).
public struct DatabaseMetrics: DatabaseActivity {
    let registry: PrometheusCollectorRegistry
    let buckets: [Duration]

    public func configured(maximumReaders: Int) {
        registry.makeGauge(name: "tally_db_pool_max_readers").set(to: Double(maximumReaders))
        registry.makeGauge(name: "tally_db_pool_max_writers").set(to: 1)
    }

    public func began(_ access: DatabaseAccess) {
        registry.makeGauge(name: "tally_db_operations_in_flight", labels: [("access", access.rawValue)]).increment()
    }

    public func ended(_ access: DatabaseAccess, after duration: Duration) {
        registry.makeGauge(name: "tally_db_operations_in_flight", labels: [("access", access.rawValue)]).decrement()
        registry.makeDurationHistogram(
            name: "tally_db_operation_duration_seconds", labels: [("access", access.rawValue)], buckets: buckets
        ).record(duration)
    }
}
