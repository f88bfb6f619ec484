import Foundation

/// When to try a delivery again. The first attempt goes as soon as the event is committed
/// (`delays[0]` is always 0); attempt n+1 goes `delays[n]` after attempt n failed; when the list
/// runs out the delivery has failed. The default is Svix's: immediately, 5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, 10 h — eight attempts over about 27.5 hours.
public struct RetrySchedule: Sendable, Equatable {
    public var delays: [Duration]
    /// Each delay is stretched or shrunk at random by up to this fraction, so endpoints that
    /// failed together are not retried together.
    public var jitter: Double

    public static let standard = RetrySchedule(
        delays: [0, 5, 300, 1800, 7200, 18000, 36000, 36000].map { .seconds($0) }, jitter: 0.1)

    public init(delays: [Duration], jitter: Double = 0.1) {
        self.delays = delays
        self.jitter = jitter
    }

    /// Parses `0,5,300,…` (seconds).
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let seconds = parts.compactMap { Double($0) }
        guard !parts.isEmpty, seconds.count == parts.count, seconds.allSatisfy({ $0 >= 0 }), seconds[0] == 0 else {
            return nil
        }
        self.init(delays: seconds.map { .milliseconds(Int64($0 * 1000)) })
    }

    /// When attempt `attemptsMade + 1` should go, after `attemptsMade` failed; nil when none is left.
    public func nextAttempt(after attemptsMade: Int, failedAt now: Date) -> Date? {
        guard attemptsMade < delays.count else { return nil }
        let delay = delays[attemptsMade]
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
        return now.addingTimeInterval(seconds * factor)
    }

    /// The delay a `Retry-After` header asks for (seconds or an HTTP date), within a day.
    public static func retryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(min(max(seconds, 0), 86_400)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return min(max(date.timeIntervalSince(now), 0), 86_400)
    }
}
