import Foundation

/// What syncing Toggl and Clockify needs, from the environment: credentials exactly as the
/// integrations seed names them, and `TALLY_*` settings for the rest.
public struct IntegrationSettings: Sendable {
    public var togglAPIToken: String?
    public var togglAPIURL = "https://api.track.toggl.com/api/v9"
    public var togglWebhooksURL = "https://api.track.toggl.com/webhooks/api/v1"
    /// Signs Toggl's deliveries to `POST /webhooks/toggl`; also given to `tally toggl subscribe`.
    public var togglWebhookSecret: String?
    public var clockifyAPIKey: String?
    public var clockifyAPIURL = "https://api.clockify.me/api/v1"
    /// The `authToken`s Clockify sends in `Clockify-Signature` to `POST /webhooks/clockify`: one
    /// per webhook (Clockify gives each webhook one event and its own token), comma-separated.
    public var clockifyWebhookTokens: [String] = []
    /// The Tally user synced entries belong to; the only user when unset.
    public var syncUser: String?
    /// JSON or YAML category rules.
    public var categoryRulesPath: String?
    /// Spacing between requests to one source: Toggl's leaky bucket allows about one a second.
    public var minimumRequestInterval: Duration = .seconds(1)
    /// Deliveries whose `timestamp` is older than this are replays.
    public var webhookTolerance: Duration = .seconds(300)

    public init() {}

    public var togglConfigured: Bool { togglAPIToken != nil }
    public var clockifyConfigured: Bool { clockifyAPIKey != nil }

    public static func fromEnvironment(_ environment: [String: String]) throws(IntegrationSettingsError) -> IntegrationSettings {
        var settings = IntegrationSettings()
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func url(_ name: String) throws(IntegrationSettingsError) -> String? {
            guard let text = value(name) else { return nil }
            guard let parsed = URL(string: text), let scheme = parsed.scheme, ["http", "https"].contains(scheme),
                parsed.host != nil
            else { throw IntegrationSettingsError("\(name) must be an http(s) URL, not '\(text)'") }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        settings.togglAPIToken = value("TOGGL_API_TOKEN")
        settings.togglWebhookSecret = value("TOGGL_WEBHOOK_SECRET")
        if let secret = settings.togglWebhookSecret, secret.count < 16 {
            throw IntegrationSettingsError("TOGGL_WEBHOOK_SECRET must be at least 16 characters (try: openssl rand -hex 32)")
        }
        settings.clockifyAPIKey = value("CLOCKIFY_API_KEY")
        settings.clockifyWebhookTokens = (value("CLOCKIFY_WEBHOOK_TOKEN") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let text = try url("TALLY_TOGGL_API_URL") { settings.togglAPIURL = text }
        if let text = try url("TALLY_TOGGL_WEBHOOKS_URL") { settings.togglWebhooksURL = text }
        if let text = try url("TALLY_CLOCKIFY_API_URL") { settings.clockifyAPIURL = text }
        settings.syncUser = value("TALLY_SYNC_USER")
        settings.categoryRulesPath = value("TALLY_CATEGORY_RULES")
        if let text = value("TALLY_SOURCE_REQUEST_INTERVAL_MS") {
            guard let milliseconds = Int(text), milliseconds >= 0 else {
                throw IntegrationSettingsError("TALLY_SOURCE_REQUEST_INTERVAL_MS must be a whole number of milliseconds, not '\(text)'")
            }
            settings.minimumRequestInterval = .milliseconds(milliseconds)
        }
        if let text = value("TALLY_WEBHOOK_TOLERANCE") {
            guard let seconds = Int(text), seconds > 0 else {
                throw IntegrationSettingsError("TALLY_WEBHOOK_TOLERANCE must be a positive number of seconds, not '\(text)'")
            }
            settings.webhookTolerance = .seconds(seconds)
        }
        return settings
    }
}

public struct IntegrationSettingsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
