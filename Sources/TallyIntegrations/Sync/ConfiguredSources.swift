import AsyncHTTPClient
import Foundation
import TallyCore

/// The remote trackers this installation has credentials for, with their clients.
public struct ConfiguredSources: Sendable {
    public let toggl: TogglClient?
    public let clockify: ClockifyClient?

    public init(settings: IntegrationSettings, httpClient: HTTPClient) {
        toggl = settings.togglAPIToken.map { token in
            TogglClient(
                apiBaseURL: settings.togglAPIURL, webhooksBaseURL: settings.togglWebhooksURL, apiToken: token,
                http: SourceHTTP(httpClient: httpClient, minimumInterval: settings.minimumRequestInterval))
        }
        clockify = settings.clockifyAPIKey.map { key in
            ClockifyClient(
                apiBaseURL: settings.clockifyAPIURL, apiKey: key,
                http: SourceHTTP(httpClient: httpClient, minimumInterval: settings.minimumRequestInterval))
        }
    }

    public var names: [TimeEntrySource] {
        (toggl == nil ? [] : [.toggl]) + (clockify == nil ? [] : [.clockify])
    }

    /// One sync source per configured tracker, Toggl first.
    public var syncSources: [any SyncSource] {
        var sources: [any SyncSource] = []
        if let toggl { sources.append(TogglSync(client: toggl)) }
        if let clockify { sources.append(ClockifySync(client: clockify)) }
        return sources
    }

    /// The tracker that runs timers: the one asked for, else Toggl, else Clockify. `cursor` is the
    /// source's stored sync cursor, which saves it looking up the workspace again.
    public func timer(_ requested: TimeEntrySource?, cursor: (TimeEntrySource) async throws -> String?) async throws
        -> any TimerSource
    {
        switch requested ?? (toggl != nil ? .toggl : clockify != nil ? .clockify : .toggl) {
        case .toggl:
            guard let toggl else { throw SourceNotConfigured(source: .toggl) }
            return TogglSync(client: toggl, cursor: try await cursor(.toggl))
        case .clockify:
            guard let clockify else { throw SourceNotConfigured(source: .clockify) }
            return ClockifySync(client: clockify)
        case let other:
            throw SourceNotConfigured(source: other)
        }
    }
}

/// Asked for a tracker without credentials (or one that has no timers).
public struct SourceNotConfigured: Error, CustomStringConvertible, Sendable {
    public var source: TimeEntrySource

    public init(source: TimeEntrySource) {
        self.source = source
    }

    public var description: String {
        switch source {
        case .toggl: "Toggl is not configured: set TOGGL_API_TOKEN"
        case .clockify: "Clockify is not configured: set CLOCKIFY_API_KEY"
        default: "\(source.rawValue) has no timer"
        }
    }
}
