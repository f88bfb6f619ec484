import Foundation
import TallyCore
import TallyStore

/// Everything `tally serve` can be told, from flags or `TALLY_*` environment variables.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8001
    public var database: DatabaseLocation = .sqlite(path: DatabaseLocation.defaultSQLitePath)
    /// Requests per minute per API key.
    public var rateLimit: Int = 100
    public var rateLimitWindow: Duration = .seconds(60)
    public var maxBodyBytes: Int = 1 << 20
    /// The timezone of users created without one.
    public var defaultTimezone: String = "UTC"
    /// How long `Idempotency-Key`s are remembered.
    public var idempotencyRetention: Duration = .seconds(24 * 3600)
    public var version: String = TallyVersion.current
    /// The current time; tests move it.
    public var now: @Sendable () -> Date = { Date() }

    public init() {}

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
        if let limit = environment["TALLY_RATE_LIMIT"], !limit.isEmpty {
            guard let value = Int(limit), value > 0 else {
                throw ConfigurationError("TALLY_RATE_LIMIT must be a positive number of requests per minute, not '\(limit)'")
            }
            configuration.rateLimit = value
        }
        if let bytes = environment["TALLY_MAX_BODY_BYTES"], !bytes.isEmpty {
            guard let value = Int(bytes), value > 0 else {
                throw ConfigurationError("TALLY_MAX_BODY_BYTES must be a positive number of bytes, not '\(bytes)'")
            }
            configuration.maxBodyBytes = value
        }
        if let timezone = environment["TALLY_DEFAULT_TIMEZONE"], !timezone.isEmpty {
            guard TimeZoneName.isValid(timezone) else {
                throw ConfigurationError("TALLY_DEFAULT_TIMEZONE must be an IANA time zone, not '\(timezone)'")
            }
            configuration.defaultTimezone = timezone
        }
        return configuration
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum TallyVersion {
    public static let current = "0.1.0"
}
