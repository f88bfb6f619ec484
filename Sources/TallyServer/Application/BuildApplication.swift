import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import TallyAPISpec
import TallyCore
import TallyIntegrations
import TallyStore
import TallyWebhooks

/// Builds the Tally server: the router with every route and middleware, and the background
/// services that run beside it. Plain functions, so tests build the same app they test.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any TallyStore,
    secretBox: SecretBox,
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    // One set of clients, so the timer's and the auto-sync's requests share each source's pacing.
    let sources = ConfiguredSources(settings: configuration.integrations, httpClient: .shared)
    let scheduler = makeSyncScheduler(configuration: configuration, store: store, metrics: metrics, sources: sources)
    let reportTable = makeReportTable(configuration: configuration, store: store, metrics: metrics)
    let router = try buildRouter(
        configuration: configuration, store: store, secretBox: secretBox, metrics: metrics, scheduler: scheduler,
        sources: sources, reportTable: reportTable)
    let dispatcher = WebhookDispatcher(
        store: store, secretBox: secretBox, settings: configuration.webhookDelivery,
        urlPolicy: WebhookURLPolicy(allowPrivateAddresses: configuration.webhookAllowPrivate),
        logger: Logger(label: "tally.webhooks"), now: configuration.now,
        observe: { attempt, claimed in metrics.webhooks.observe(attempt, eventCreatedAt: claimed.eventCreatedAt) })
    var services: [any Service] = [
        HourlyPurge(retention: configuration.idempotencyRetention, now: configuration.now) {
            try await store.purgeIdempotencyKeys(before: $0)
        },
        // Events still waiting to be delivered are kept whatever their age.
        HourlyPurge(retention: configuration.eventRetention, now: configuration.now) { try await store.purgeEvents(before: $0) },
        // Sync runs (the status page's history) and the ids of inbound events already applied.
        HourlyPurge(retention: configuration.eventRetention, now: configuration.now) {
            try await store.purgeSyncHistory(before: $0)
        },
        // Expired dashboard sessions.
        HourlyPurge(retention: .seconds(0), now: configuration.now) { try await store.purgeSessions(before: $0) },
        // Loads the report table at start, so the first report is quick; keeps the journal short.
        HourlyPurge(retention: .seconds(0), now: configuration.now) { _ in
            try await store.trimTimeEntryJournal(keeping: 200_000)
            _ = try await reportTable?.current()
        },
    ]
    if configuration.webhookDeliveryEnabled { services.append(dispatcher) }
    if !sources.names.isEmpty {
        services.append(SyncSchedulerService(scheduler: scheduler))
    }
    let limits = configuration.connections
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [HeaderReadTimeout(timeout: .seconds(limits.headerTimeout.components.seconds))],
                idleTimeout: .seconds(limits.idleTimeout.components.seconds))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Tally",
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maximum)),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// The auto-sync scheduler over the configured sources; each cycle looks up the sync user again.
func makeSyncScheduler(
    configuration: ServerConfiguration, store: any TallyStore, metrics: ServerMetrics, sources: ConfiguredSources
) -> SyncScheduler {
    let rulesBook = CategoryRulesBook(store: store, filePath: configuration.integrations.categoryRulesPath)
    let syncUser = configuration.integrations.syncUser
    return SyncScheduler(
        store: store, sources: sources.names, interval: configuration.syncInterval, days: configuration.syncDays,
        logger: Logger(label: "tally.sync"), now: configuration.now,
        observe: { report in
            metrics.sync.observe(report)
            guard case .synced(let counts, _) = report.outcome, counts.added + counts.updated + counts.deleted > 0 else { return }
            let goals = GoalBook(store: store, configuration: configuration)
            Task { await goals.noteTimeChanged(userIDs: nil) }
        }
    ) {
        let userID: String
        switch try await store.owner(syncUser) {
        case .user(let id): userID = id
        case .unknown(let id): throw SyncUserMissing("TALLY_SYNC_USER names '\(id)', which is not a user")
        case .noUsers: throw SyncUserMissing("create a user first: synced time belongs to a user")
        case .severalUsers: throw SyncUserMissing("set TALLY_SYNC_USER to the user synced time belongs to")
        }
        return SyncEngine(
            store: store, sources: sources.syncSources, userID: userID, rules: { try await rulesBook.rules() },
            now: configuration.now)
    }
}

/// The in-memory report spans, unless turned off (`TALLY_REPORT_TABLE_ENTRIES=0`).
func makeReportTable(configuration: ServerConfiguration, store: any TallyStore, metrics: ServerMetrics) -> ReportSpanTable? {
    guard configuration.reportTableEntries > 0 else { return nil }
    return ReportSpanTable(store: store, capacity: configuration.reportTableEntries) { metrics.recordReportTable(entries: $0) }
}

struct SyncUserMissing: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

public func buildRouter(
    configuration: ServerConfiguration, store: any TallyStore, secretBox: SecretBox, metrics: ServerMetrics,
    scheduler: SyncScheduler? = nil, sources: ConfiguredSources? = nil, reportTable: ReportSpanTable? = nil
) throws -> Router<TallyRequestContext> {
    let router = Router(context: TallyRequestContext.self)
    let routes = RouteTableBox()
    // Middleware wraps only the routes added after it, so it comes first.
    router.addMiddleware {
        RequestLogMiddleware(metrics: metrics, trustedProxies: configuration.trustedProxies)
        ProblemMiddleware(routes: routes)
        AuthMiddleware(
            store: store, now: configuration.now, usage: KeyUsageRecorder(), keys: APIKeyCache(changes: store.changes),
            failures: RateLimiter(limit: configuration.rateLimit, window: configuration.rateLimitWindow))
        RateLimitMiddleware(
            limiter: RateLimiter(limit: configuration.rateLimit, window: configuration.rateLimitWindow), metrics: metrics,
            now: configuration.now)
        BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes, timeout: configuration.connections.bodyTimeout)
        IdempotencyMiddleware(store: store, now: configuration.now)
        ReadCacheMiddleware(
            cache: UnchangedDataCache(budget: configuration.readCacheBytes) { key, answer in
                answer.body.readableBytes + key.utf8.count
            },
            changes: configuration.readCacheBytes > 0 ? store.changes : nil, metrics: metrics)
    }
    let transport = RecordingTransport(router: router)
    let spool = BodySpool.beside(configuration.database.sqlitePath, budget: configuration.importSpoolBytes)
    try spool.prepare()
    let rulesBook = CategoryRulesBook(store: store, filePath: configuration.integrations.categoryRulesPath)
    let sources = sources ?? ConfiguredSources(settings: configuration.integrations, httpClient: .shared)
    let api = TallyAPI(
        store: store, configuration: configuration, secretBox: secretBox, imports: ImportRegistry(), rulesBook: rulesBook,
        sources: sources, scheduler: scheduler ?? makeSyncScheduler(configuration: configuration, store: store, metrics: metrics, sources: sources),
        reportTable: reportTable ?? makeReportTable(configuration: configuration, store: store, metrics: metrics),
        spool: spool)
    // Sorted keys: the same data is the same bytes, so an ETag survives the read cache being
    // emptied by an unrelated write (Foundation on Linux orders keys differently each time).
    try api.registerHandlers(
        on: transport,
        configuration: .init(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
    routes.table = transport.table

    let healthAutoExport = HealthAutoExportRoute(
        store: store, token: configuration.healthWebhookToken, defaultUserID: configuration.healthWebhookUser,
        maxBytes: configuration.healthWebhookMaxBytes, spool: spool, rulesBook: rulesBook,
        goals: GoalBook(store: store, configuration: configuration), now: configuration.now)
    router.post("/webhooks/health") { request, context in try await healthAutoExport.handle(request, context: context) }
    let inbound = InboundTimeEntries(
        store: store, rulesBook: rulesBook, syncUser: configuration.integrations.syncUser,
        goals: GoalBook(store: store, configuration: configuration), now: configuration.now)
    let toggl = TogglWebhookRoute(
        inbound: inbound, secret: configuration.integrations.togglWebhookSecret,
        tolerance: configuration.integrations.webhookTolerance)
    router.post("/webhooks/toggl") { request, context in try await toggl.handle(request, context: context) }
    let clockify = ClockifyWebhookRoute(inbound: inbound, tokens: configuration.integrations.clockifyWebhookTokens)
    router.post("/webhooks/clockify") { request, context in try await clockify.handle(request, context: context) }

    let specBytes = APISpec.bytes
    router.get("/openapi.yaml") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: specBytes)))
    }
    let docsPage = try APIReferencePage.render(yaml: APISpec.yaml)
    router.get("/docs") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: docsPage)))
    }
    let metricsToken = configuration.metricsToken
    router.get("/metrics") { request, _ in
        if let metricsToken {
            let presented = request.headers[.authorization].flatMap { header in
                header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)) : nil
            }
            guard let presented, SessionCookies.same(presented, metricsToken) else {
                throw APIError.unauthorized("send the metrics token (TALLY_METRICS_TOKEN) as 'Authorization: Bearer <token>'")
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    try Dashboard(store: store, api: api, settings: configuration.dashboard, now: configuration.now).register(on: router)
    return router
}

/// Runs a clean-up once an hour, from start-up until the server stops: forgetting
/// `Idempotency-Key`s, or events (with their delivery log) past their retention.
struct HourlyPurge: Service {
    let retention: Duration
    let now: @Sendable () -> Date
    let purge: @Sendable (_ cutoff: Date) async throws -> Void

    func run() async throws {
        let seconds = Double(retention.components.seconds)
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try? await purge(now().addingTimeInterval(-seconds))
                    try await Task.sleep(for: .seconds(3600))
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
