/// How the client backs off. Clockify documents no `Retry-After`, and Free workspaces get 30
/// requests an hour for the whole workspace, so after a few quick retries the sync engine is told
/// to leave the source alone for a while instead.
public struct ClockifyRetryPolicy: Sendable, Equatable {
    /// Waits before each retry of a 429; one more 429 after the last ends in `rateLimited`.
    public var rateLimitBackoff: [Duration]
    /// How long after giving up on a 429 the source is worth trying again (`waitUntil`).
    public var rateLimitCooldown: Duration
    /// A 5xx is retried once after a random wait in this range, so that clients hit by the same
    /// outage do not come back in step.
    public var serverErrorDelay: ClosedRange<Duration>

    public init(rateLimitBackoff: [Duration], rateLimitCooldown: Duration, serverErrorDelay: ClosedRange<Duration>) {
        self.rateLimitBackoff = rateLimitBackoff
        self.rateLimitCooldown = rateLimitCooldown
        self.serverErrorDelay = serverErrorDelay
    }

    /// 1, 2 and 4 seconds; then ten minutes, a sixth of the Free plan's hourly window.
    public static let standard = ClockifyRetryPolicy(
        rateLimitBackoff: [.seconds(1), .seconds(2), .seconds(4)], rateLimitCooldown: .seconds(600),
        serverErrorDelay: .milliseconds(500) ... .milliseconds(2000))

    func randomServerErrorDelay() -> Duration {
        let low = Self.seconds(serverErrorDelay.lowerBound)
        let high = Self.seconds(serverErrorDelay.upperBound)
        return .seconds(low < high ? Double.random(in: low...high) : low)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
