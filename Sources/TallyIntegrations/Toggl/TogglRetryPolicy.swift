import Foundation

/// How the client retries by itself. Toggl publishes no Retry-After for its leaky bucket (429),
/// so it backs off exponentially; a 5xx gets one retry after a random pause, as Toggl asks.
public struct TogglRetryPolicy: Sendable {
    /// Pauses before each retry of a 429; when they are spent the error says to wait `rateLimitedWait`.
    public var rateLimitBackoff: [Duration]
    public var rateLimitedWait: Duration
    /// The random pause before the one retry of a 5xx.
    public var serverRetryDelay: ClosedRange<Double>

    public init(rateLimitBackoff: [Duration], rateLimitedWait: Duration, serverRetryDelay: ClosedRange<Double>) {
        self.rateLimitBackoff = rateLimitBackoff
        self.rateLimitedWait = rateLimitedWait
        self.serverRetryDelay = serverRetryDelay
    }

    public static let standard = TogglRetryPolicy(
        rateLimitBackoff: [.seconds(1), .seconds(2), .seconds(4)], rateLimitedWait: .seconds(8),
        serverRetryDelay: 0.5...2.0)
}
