import Foundation

/// How the dashboard signs people in.
public struct DashboardSettings: Sendable {
    /// When the session cookie carries `Secure`.
    public enum CookieSecurity: String, Sendable {
        /// When the request came over HTTPS, directly or per `X-Forwarded-Proto` from the proxy.
        case auto
        case always
        case never
    }

    /// bcrypt's work factor (2^cost rounds). 12 takes about a quarter of a second here.
    public var bcryptCost: UInt8 = 12
    public var cookieSecurity = CookieSecurity.auto
    public var sessionLifetime: TimeInterval = 30 * 86_400

    public init() {}

    static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> DashboardSettings {
        var settings = DashboardSettings()
        if let text = environment["TALLY_BCRYPT_COST"], !text.isEmpty {
            guard let cost = UInt8(text), (4...16).contains(cost) else {
                throw ConfigurationError("TALLY_BCRYPT_COST must be from 4 to 16, not '\(text)'")
            }
            settings.bcryptCost = cost
        }
        if let text = environment["TALLY_COOKIE_SECURE"], !text.isEmpty {
            switch text.lowercased() {
            case "auto": settings.cookieSecurity = .auto
            case "1", "true", "yes", "on": settings.cookieSecurity = .always
            case "0", "false", "no", "off": settings.cookieSecurity = .never
            default: throw ConfigurationError("TALLY_COOKIE_SECURE must be auto, true or false, not '\(text)'")
            }
        }
        return settings
    }
}
