import Foundation
import Synchronization

/// Fixed-window request counting per API key: `limit` requests per `window`, the window starting
/// with a key's first request.
final class RateLimiter: Sendable {
    struct Decision {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// When the current window ends.
        var resetAt: Date
        var secondsToReset: Int
    }

    private struct Window {
        var start: Date
        var count: Int
    }

    let limit: Int
    let window: TimeInterval
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
    }

    func take(for key: String, at now: Date) -> Decision {
        windows.withLock { windows in
            var current = windows[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(current.start) >= window {
                current = Window(start: now, count: 0)
            }
            let allowed = current.count < limit
            if allowed { current.count += 1 }
            windows[key] = current
            if windows.count > 10_000 { windows = windows.filter { now.timeIntervalSince($0.value.start) < window } }
            let resetAt = current.start.addingTimeInterval(window)
            return Decision(
                allowed: allowed, limit: limit, remaining: max(0, limit - current.count), resetAt: resetAt,
                secondsToReset: max(1, Int(resetAt.timeIntervalSince(now).rounded(.up))))
        }
    }
}
