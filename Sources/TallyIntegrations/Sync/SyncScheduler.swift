import Foundation
import Logging
import ServiceLifecycle
import TallyCore
import TallyStore

/// The auto-sync of `tally serve`: every configured source every `interval` (with ±10 % jitter),
/// never two runs of one source at once, nothing while auto-sync is off, and no request to a
/// source that is waiting for its quota to reset. `run(now:)` starts a cycle on request.
public actor SyncScheduler {
    public static let autoSyncSetting = "auto_sync"

    public nonisolated let interval: Duration
    public nonisolated let days: Int
    let engine: @Sendable () async throws -> SyncEngine
    let store: any TallyStore
    let sourceNames: [TimeEntrySource]
    let logger: Logger
    let now: @Sendable () -> Date
    let observe: @Sendable (SyncReport) -> Void

    private var running: Set<TimeEntrySource> = []
    private var lastReports: [TimeEntrySource: SyncReport] = [:]
    private var nextCycle: Date?
    private var wakeRequested = false

    /// `engine` is built per cycle: the sync user may be created after the server starts.
    public init(
        store: any TallyStore, sources: [TimeEntrySource], interval: Duration, days: Int, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, observe: @escaping @Sendable (SyncReport) -> Void = { _ in },
        engine: @escaping @Sendable () async throws -> SyncEngine
    ) {
        self.observe = observe
        self.store = store
        self.sourceNames = sources
        self.interval = interval
        self.days = days
        self.logger = logger
        self.now = now
        self.engine = engine
    }

    /// Auto-sync is on unless someone turned it off; the choice survives restarts.
    public func autoSyncEnabled() async throws -> Bool {
        try await store.setting(Self.autoSyncSetting) != "off"
    }

    public func setAutoSync(_ enabled: Bool) async throws {
        try await store.saveSetting(Self.autoSyncSetting, enabled ? "on" : "off", at: now())
        if enabled { wakeRequested = true }
    }

    /// Starts a cycle now, in the background, for the sources not already syncing.
    /// Returns the sources it started.
    @discardableResult
    public func runNow() -> [TimeEntrySource] {
        let idle = sourceNames.filter { !running.contains($0) }
        guard !idle.isEmpty else { return [] }
        running.formUnion(idle)
        Task { await self.cycle(idle) }
        return idle
    }

    public struct Snapshot: Sendable {
        public var running: Set<TimeEntrySource>
        public var lastReports: [TimeEntrySource: SyncReport]
        public var nextCycle: Date?
    }

    public func snapshot() -> Snapshot {
        Snapshot(running: running, lastReports: lastReports, nextCycle: nextCycle)
    }

    /// The scheduling loop; ends when the task is cancelled (graceful shutdown).
    func loop() async {
        var first = true
        while !Task.isCancelled {
            let delay = first ? Duration.seconds(2) : jittered(interval)
            first = false
            nextCycle = now().addingTimeInterval(Self.seconds(delay))
            await sleep(delay)
            guard !Task.isCancelled else { break }
            let enabled = (try? await autoSyncEnabled()) ?? true
            guard enabled else { continue }
            let idle = sourceNames.filter { !running.contains($0) }
            running.formUnion(idle)
            await cycle(idle)
        }
        nextCycle = nil
    }

    private func cycle(_ sources: [TimeEntrySource]) async {
        defer { running.subtract(sources) }
        guard !sources.isEmpty else { return }
        let engine: SyncEngine
        do { engine = try await self.engine() } catch {
            for source in sources {
                lastReports[source] = SyncReport(source: source, outcome: .failed("\(error)"), requests: 0)
            }
            logger.warning("auto-sync skipped", metadata: ["reason": "\(error)"])
            return
        }
        for source in engine.sources where sources.contains(source.source) {
            let report = await engine.sync(source, days: days)
            lastReports[source.source] = report
            observe(report)
            logger.info(
                "sync", metadata: ["source": "\(source.source.rawValue)", "succeeded": "\(report.succeeded)", "summary": "\(report.line)"])
        }
    }

    private func jittered(_ duration: Duration) -> Duration {
        .milliseconds(Int64(Self.seconds(duration) * Double.random(in: 0.9...1.1) * 1000))
    }

    /// Sleeps in steps of at most a second, so turning auto-sync on starts a cycle soon.
    private func sleep(_ duration: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        wakeRequested = false
        while clock.now < deadline, !wakeRequested, !Task.isCancelled {
            try? await Task.sleep(for: min(.seconds(1), deadline - clock.now))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Runs the scheduler's loop as a lifecycle service of `tally serve`.
public struct SyncSchedulerService: Service {
    public let scheduler: SyncScheduler

    public init(scheduler: SyncScheduler) {
        self.scheduler = scheduler
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await scheduler.loop()
        }
    }
}
