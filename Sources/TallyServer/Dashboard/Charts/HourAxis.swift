import Foundation

/// The y axis of an hours chart: round ticks people can read at a glance (0, 2, 4, 6, 8 h),
/// chosen from the tallest bar so it fills most of the plot without touching the top.
struct HourAxis: Sendable, Equatable {
    /// Tick values in hours, from 0 up to and including `topHours`.
    var ticks: [Double]

    var topHours: Double { ticks.last ?? 1 }
    var topSeconds: Double { topHours * 3600 }

    /// Steps in hours, smallest first; each decade repeats them ×10 beyond the list.
    private static let steps: [Double] = [0.5, 1, 2, 4, 5, 10, 20, 25, 50]
    /// At most this many intervals, so labels never crowd a 200 px tall plot.
    private static let maxIntervals = 5.0

    /// An axis for bars up to `maxSeconds`. Less than an hour (including nothing at all)
    /// still gets a 0–1 h axis, so a quiet week does not look like a full one.
    init(maxSeconds: Double) {
        let maxHours = max(ChartNumber.clampedSeconds(maxSeconds) / 3600, 1)
        var decade = 1.0
        var chosen = Self.steps[0]
        search: while true {
            for step in Self.steps where (maxHours / (step * decade)).rounded(.up) <= Self.maxIntervals {
                chosen = step * decade
                break search
            }
            decade *= 10
        }
        let intervals = Int(max((maxHours / chosen).rounded(.up), 1))
        ticks = (0...intervals).map { Double($0) * chosen }
    }
}
