import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TallyCore
import TallyStore

/// Delivers the outbox: claims due deliveries, sends each (bounded per endpoint, so a slow or
/// dead endpoint never holds up the others), and records the results in batches. Runs inside
/// `tally serve`; after a crash, claimed but unrecorded deliveries fall due again when their
/// lease ends, so every event is delivered at least once.
public final class WebhookDispatcher: Service {
    public struct Settings: Sendable {
        public var schedule = RetrySchedule.standard
        public var timeout: Duration = .seconds(15)
        public var perEndpointConcurrency = 16
        /// An endpoint whose deliveries have all failed for this long is switched off.
        public var disableAfter: Duration = .seconds(5 * 24 * 3600)
        /// How often to look for due retries and for events other processes (the CLI) recorded.
        public var pollInterval: Duration = .seconds(1)
        public var userAgent = "Tally-Webhooks/\(TallyVersion.current)"

        public init() {}
    }

    let store: any TallyStore
    let secretBox: SecretBox
    let settings: Settings
    let urlPolicy: WebhookURLPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    let observe: @Sendable (DeliveryAttempt, ClaimedDelivery) -> Void
    private let inFlight = Mutex<[String: Int]>([:])
    /// Attempts made but not yet written.
    private let finished = Mutex<[DeliveryAttempt]>([])

    public init(
        store: any TallyStore, secretBox: SecretBox, settings: Settings, urlPolicy: WebhookURLPolicy,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        observe: @escaping @Sendable (DeliveryAttempt, ClaimedDelivery) -> Void = { _, _ in }
    ) {
        self.store = store
        self.secretBox = secretBox
        self.settings = settings
        self.urlPolicy = urlPolicy
        self.logger = logger
        self.now = now
        self.observe = observe
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // The per-endpoint limit is the dispatcher's; the pool's is per host, and endpoints that
        // share a host must not queue behind each other's slow answers.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.decompression = .disabled
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let pinned = PinnedHTTPClients(configuration: configuration)
        let sender = DeliverySender(
            httpClient: httpClient, pinnedClients: pinned, timeout: settings.timeout, urlPolicy: urlPolicy,
            userAgent: settings.userAgent)
        await dispatch(with: sender)
        await pinned.shutdown()
        try await httpClient.shutdown()
    }

    private func dispatch(with sender: DeliverySender) async {
        let (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (resultsReady, report) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { [store] in
                    for await _ in store.outboxSignal.wakeUps { wake.yield() }
                }
                group.addTask { [settings] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: settings.pollInterval)
                        wake.yield()
                    }
                }
                group.addTask { await self.recordResults(resultsReady) }
                await withDiscardingTaskGroup { sends in
                    for await _ in wakeUps {
                        await self.claimAndSend(with: sender, into: &sends, report: report, wake: wake)
                    }
                }
                report.finish()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.finish()
        }
    }

    private func claimAndSend(
        with sender: DeliverySender, into sends: inout DiscardingTaskGroup, report: AsyncStream<Void>.Continuation,
        wake: AsyncStream<Void>.Continuation
    ) async {
        let claimed: [ClaimedDelivery]
        do {
            let instant = now()
            let lease = Double(settings.timeout.nanoseconds) / 1e9 + 15
            claimed = try await store.claimDueDeliveries(
                at: instant, leaseUntil: instant.addingTimeInterval(lease), perEndpoint: settings.perEndpointConcurrency,
                busy: inFlight.withLock { $0 })
        } catch {
            logger.error("cannot read the webhook outbox", metadata: ["error": "\(error)"])
            return
        }
        for delivery in claimed {
            inFlight.withLock { $0[delivery.delivery.endpointID, default: 0] += 1 }
            sends.addTask {
                let attempt = await self.attempt(delivery, with: sender)
                self.observe(attempt, delivery)
                self.finished.withLock { $0.append(attempt) }
                report.yield()
                self.inFlight.withLock { counts in
                    counts[delivery.delivery.endpointID, default: 1] -= 1
                    if counts[delivery.delivery.endpointID] == 0 { counts.removeValue(forKey: delivery.delivery.endpointID) }
                }
                // A slot came free: there may be more due for this endpoint.
                wake.yield()
            }
        }
    }

    func attempt(_ claimed: ClaimedDelivery, with sender: DeliverySender) async -> DeliveryAttempt {
        let instant = now()
        let delivery = claimed.delivery
        let result: DeliverySender.Result
        do {
            result = await sender.send(claimed, secrets: try signingSecrets(claimed, at: instant), at: instant)
        } catch {
            // Counted as a failed attempt, so the schedule (and switching off) applies as for any failure.
            logger.error("cannot open a webhook secret", metadata: ["webhook": "\(delivery.endpointID)", "error": "\(error)"])
            result = DeliverySender.Result(latencyMilliseconds: 0, error: "\(error)")
        }
        let verdict = DeliveryVerdict.judge(result, attemptsBefore: delivery.attempts, schedule: settings.schedule, at: now())
        let disableAfter = Double(settings.disableAfter.nanoseconds) / 1e9
        return DeliveryAttempt(
            deliveryID: delivery.id, endpointID: delivery.endpointID, at: instant, statusCode: result.statusCode,
            latencyMilliseconds: result.latencyMilliseconds, response: result.response, error: verdict.error,
            outcome: verdict.outcome, disableIfFailingSince: instant.addingTimeInterval(-disableAfter))
    }

    /// Newest first; the previous secret only while its rotation overlap lasts.
    func signingSecrets(_ claimed: ClaimedDelivery, at instant: Date) throws -> [WebhookSecret] {
        let endpointID = claimed.delivery.endpointID
        var secrets = [try secretBox.open(claimed.secrets.current, for: endpointID)]
        if let previous = claimed.secrets.previous, let expires = claimed.secrets.previousExpiresAt, expires > instant {
            // A previous secret sealed under a lost key must not stop the new one from signing.
            if let opened = try? secretBox.open(previous, for: endpointID) { secrets.append(opened) }
        }
        return secrets
    }

    /// Writes results in batches: one transaction for whatever finished since the last one.
    private func recordResults(_ wakeUps: AsyncStream<Void>) async {
        for await _ in wakeUps { await flushResults() }
        await flushResults()
    }

    private func flushResults() async {
        let batch = finished.withLock { results in
            defer { results.removeAll() }
            return results
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordDeliveryAttempts(batch)
        } catch {
            // The deliveries stay claimed until their lease ends and are then sent again.
            logger.error("cannot record webhook deliveries", metadata: ["count": "\(batch.count)", "error": "\(error)"])
        }
    }
}
