import Foundation
import TallyCore
import TallyIntegrations
import TallyStore
import TallyWebhooks

/// Everything `tally serve` can be told, from flags or `TALLY_*` environment variables.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8001
    public var database: DatabaseLocation = .sqlite(path: DatabaseLocation.defaultSQLitePath)
    /// Requests per minute per API key.
    public var rateLimit: Int = 100
    public var rateLimitWindow: Duration = .seconds(60)
    public var maxBodyBytes: Int = 1 << 20
    /// Memory for answers of unchanged reads (users, daily logs, appointments); 0 turns it off.
    public var readCacheBytes: Int = 32 << 20
    /// Most time entries kept in memory for reports (about 160 bytes each); 0 turns it off and
    /// every report reads the database.
    public var reportTableEntries: Int = 2_000_000
    /// The timezone of users created without one.
    public var defaultTimezone: String = "UTC"
    /// How long `Idempotency-Key`s are remembered.
    public var idempotencyRetention: Duration = .seconds(24 * 3600)
    public var version: String = TallyVersion.current
    /// Whether webhook URLs may point at loopback, private or link-local addresses.
    public var webhookAllowPrivate = false
    public var webhookDelivery = WebhookDispatcher.Settings()
    /// Whether this process delivers webhooks. Events are recorded either way; with several
    /// servers on one database, deliveries can be left to some of them.
    public var webhookDeliveryEnabled = true
    /// Bytes all uploads being spooled may hold on disk together (`TALLY_IMPORT_SPOOL_BYTES`).
    public var importSpoolBytes = 4 << 30
    /// Limits on connections, against clients that hold them open (slowloris).
    public var connections = ConnectionLimits()
    /// Proxies whose `X-Forwarded-For` names the client (`TALLY_TRUSTED_PROXIES`).
    public var trustedProxies = TrustedProxies.none
    /// When set, `GET /metrics` answers only `Authorization: Bearer <this token>`.
    public var metricsToken: String?
    /// The token the Health Auto Export app sends to `POST /webhooks/health`; the route is off without it.
    public var healthWebhookToken: String?
    /// Whose data the app's posts are when the URL does not say (`?user_id=`).
    public var healthWebhookUser: String?
    public var healthWebhookMaxBytes = 256 << 20
    /// Largest Apple Health export accepted by `POST /v1/imports/apple-health`.
    public var importMaxBytes = 8 << 30
    /// Toggl, Clockify, their inbound webhooks, the sync user and the category rules file.
    public var integrations = IntegrationSettings()
    /// Auto-sync: how often each configured source is synced, and how many days back a first
    /// sync (and every Clockify sync) reads.
    public var syncInterval: Duration = .seconds(300)
    public var syncDays = 7
    /// Reports: when a local day begins, and which source wins where entries overlap.
    public var dayStartsAt = DayStartTime.midnight
    public var sourcePriority = SourcePriority.default
    /// Sign-in to the dashboard.
    public var dashboard = DashboardSettings()
    /// How long delivered events are kept (with their delivery log).
    public var eventRetention: Duration = .seconds(30 * 24 * 3600)
    /// The current time; tests move it.
    public var now: @Sendable () -> Date = { Date() }

    public init() {}

    /// Environment variables holding secrets: their values never reach the log.
    public static let secretVariables = [
        "TOGGL_API_TOKEN", "TOGGL_WEBHOOK_SECRET", "CLOCKIFY_API_KEY", "CLOCKIFY_WEBHOOK_TOKEN",
        "TALLY_HEALTH_WEBHOOK_TOKEN", "TALLY_SECRET_KEY", "TALLY_METRICS_TOKEN",
    ]

    /// Reads the `TALLY_*` variables over the defaults; a malformed value is an error, not a default.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(
        ConfigurationError
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["TALLY_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["TALLY_PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw ConfigurationError("TALLY_PORT must be a port number from 0 to 65535, not '\(port)'")
            }
            configuration.port = value
        }
        if let url = environment["TALLY_DATABASE_URL"], !url.isEmpty {
            do { configuration.database = try DatabaseLocation.parse(url) } catch {
                throw ConfigurationError("TALLY_DATABASE_URL: \(error.description)")
            }
        }
        if let value = try positive(environment, "TALLY_RATE_LIMIT", "requests per minute") { configuration.rateLimit = value }
        if let value = try positive(environment, "TALLY_MAX_BODY_BYTES", "bytes") { configuration.maxBodyBytes = value }
        if let text = environment["TALLY_READ_CACHE_BYTES"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else {
                throw ConfigurationError("TALLY_READ_CACHE_BYTES must be a number of bytes (0 turns the cache off), not '\(text)'")
            }
            configuration.readCacheBytes = value
        }
        if let text = environment["TALLY_REPORT_TABLE_ENTRIES"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else {
                throw ConfigurationError("TALLY_REPORT_TABLE_ENTRIES must be a number of entries (0 turns it off), not '\(text)'")
            }
            configuration.reportTableEntries = value
        }
        if let timezone = environment["TALLY_DEFAULT_TIMEZONE"], !timezone.isEmpty {
            guard TimeZoneName.isValid(timezone) else {
                throw ConfigurationError("TALLY_DEFAULT_TIMEZONE must be an IANA time zone, not '\(timezone)'")
            }
            configuration.defaultTimezone = timezone
        }
        try readWebhookSettings(environment, into: &configuration)
        if let token = environment["TALLY_HEALTH_WEBHOOK_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else {
                throw ConfigurationError("TALLY_HEALTH_WEBHOOK_TOKEN must be at least 16 characters (try: openssl rand -hex 32)")
            }
            configuration.healthWebhookToken = token
        }
        if let value = try positive(environment, "TALLY_HEADER_TIMEOUT", "seconds") {
            configuration.connections.headerTimeout = .seconds(value)
        }
        if let value = try positive(environment, "TALLY_IDLE_TIMEOUT", "seconds") {
            configuration.connections.idleTimeout = .seconds(value)
        }
        if let value = try positive(environment, "TALLY_BODY_TIMEOUT", "seconds") {
            configuration.connections.bodyTimeout = .seconds(value)
        }
        if let value = try positive(environment, "TALLY_MAX_CONNECTIONS", "connections") {
            configuration.connections.maximum = value
        }
        if let text = environment["TALLY_TRUSTED_PROXIES"], !text.isEmpty {
            configuration.trustedProxies = try TrustedProxies(parsing: text)
        }
        if let token = environment["TALLY_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else {
                throw ConfigurationError("TALLY_METRICS_TOKEN must be at least 16 characters (try: openssl rand -hex 32)")
            }
            configuration.metricsToken = token
        }
        if let value = try positive(environment, "TALLY_IMPORT_MAX_BYTES", "bytes") { configuration.importMaxBytes = value }
        if let value = try positive(environment, "TALLY_IMPORT_SPOOL_BYTES", "bytes") { configuration.importSpoolBytes = value }
        if let user = environment["TALLY_HEALTH_WEBHOOK_USER"], !user.isEmpty { configuration.healthWebhookUser = user }
        if let value = try positive(environment, "TALLY_HEALTH_WEBHOOK_MAX_BYTES", "bytes") {
            configuration.healthWebhookMaxBytes = value
        }
        if let value = try positive(environment, "TALLY_SYNC_INTERVAL", "seconds") { configuration.syncInterval = .seconds(value) }
        if let value = try positive(environment, "TALLY_SYNC_DAYS", "days") { configuration.syncDays = min(value, 3650) }
        do { configuration.integrations = try IntegrationSettings.fromEnvironment(environment) } catch {
            throw ConfigurationError(error.description)
        }
        if let text = environment["TALLY_DAY_STARTS_AT"], !text.isEmpty {
            guard let value = DayStartTime(text) else {
                throw ConfigurationError("TALLY_DAY_STARTS_AT must be a time of day written HH:MM, not '\(text)'")
            }
            configuration.dayStartsAt = value
        }
        if let text = environment["TALLY_SOURCE_PRIORITY"], !text.isEmpty {
            do { configuration.sourcePriority = try SourcePriority(parsing: text) } catch {
                throw ConfigurationError("TALLY_SOURCE_PRIORITY: \(error.errors.map(\.detail).joined(separator: "; "))")
            }
        }
        configuration.dashboard = try DashboardSettings.fromEnvironment(environment)
        return configuration
    }

    static func readWebhookSettings(_ environment: [String: String], into configuration: inout ServerConfiguration) throws(
        ConfigurationError
    ) {
        if let delivery = environment["TALLY_WEBHOOK_DELIVERY"], !delivery.isEmpty {
            guard let value = Self.flag(delivery) else {
                throw ConfigurationError("TALLY_WEBHOOK_DELIVERY must be on or off, not '\(delivery)'")
            }
            configuration.webhookDeliveryEnabled = value
        }
        if let allow = environment["TALLY_WEBHOOK_ALLOW_PRIVATE"], !allow.isEmpty {
            guard let value = Self.flag(allow) else {
                throw ConfigurationError("TALLY_WEBHOOK_ALLOW_PRIVATE must be 1 or 0, not '\(allow)'")
            }
            configuration.webhookAllowPrivate = value
        }
        if let text = environment["TALLY_WEBHOOK_RETRY_SCHEDULE"], !text.isEmpty {
            guard let schedule = RetrySchedule(parsing: text) else {
                throw ConfigurationError(
                    "TALLY_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds starting with 0 (the first attempt is immediate), such as 0,5,300,1800, not '\(text)'")
            }
            configuration.webhookDelivery.schedule = schedule
        }
        if let seconds = try Self.seconds(environment, "TALLY_WEBHOOK_TIMEOUT") {
            configuration.webhookDelivery.timeout = seconds
        }
        if let seconds = try Self.seconds(environment, "TALLY_WEBHOOK_DISABLE_AFTER") {
            configuration.webhookDelivery.disableAfter = seconds
        }
        if let text = environment["TALLY_WEBHOOK_CONCURRENCY"], !text.isEmpty {
            guard let value = Int(text), (1...256).contains(value) else {
                throw ConfigurationError("TALLY_WEBHOOK_CONCURRENCY must be from 1 to 256, not '\(text)'")
            }
            configuration.webhookDelivery.perEndpointConcurrency = value
        }
    }

    /// A positive whole number from `name`, nil when unset; anything else is an error.
    static func positive(_ environment: [String: String], _ name: String, _ unit: String) throws(ConfigurationError)
        -> Int?
    {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ConfigurationError("\(name) must be a positive number of \(unit), not '\(text)'")
        }
        return value
    }

    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    static func seconds(_ environment: [String: String], _ name: String) throws(ConfigurationError) -> Duration? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Double(text), value > 0 else {
            throw ConfigurationError("\(name) must be a positive number of seconds, not '\(text)'")
        }
        return .milliseconds(Int64(value * 1000))
    }
}

/// How long a client may take, and how many connections are served at once.
public struct ConnectionLimits: Sendable {
    /// From accepting a connection (or answering its last request) to the next request's head.
    public var headerTimeout: Duration = .seconds(10)
    /// A keep-alive connection with no request in progress is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// A request body of the JSON API (up to TALLY_MAX_BODY_BYTES) must arrive within this.
    public var bodyTimeout: Duration = .seconds(30)
    /// Connections served at once; more wait in the listen backlog until one closes.
    public var maximum = 1024

    public init() {}
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
