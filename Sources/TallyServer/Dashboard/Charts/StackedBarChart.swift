import Foundation

/// Tracked time per bar (the days of a week, or weeks), each bar stacked by category, as an
/// inline SVG for the dashboard. Totals sit above the bars and a legend below lists only the
/// categories that have time, so the picture reads without hovering; hovering a segment shows
/// "Coding — 2 h 30 min".
struct StackedBarChart: Sendable {
    /// One bar: "Mon 16" and the time in each category.
    struct Bar: Sendable, Equatable {
        var label: String
        var segments: [Segment]

        init(label: String, segments: [Segment]) {
            self.label = label
            self.segments = segments
        }
    }

    /// Time in one category. Several segments of one category in a bar are added together.
    struct Segment: Sendable, Equatable {
        var category: String
        var seconds: Double

        init(category: String, seconds: Double) {
            self.category = category
            self.seconds = seconds
        }

        init(category: String, seconds: Int) {
            self.init(category: category, seconds: Double(seconds))
        }
    }

    /// What the chart shows, for screen readers and the `<title>`: "Time per day this week".
    var title: String
    var bars: [Bar]
    /// The stacking and legend order, bottom first; categories not listed follow in the order
    /// they first appear, so the same category never jumps between bars.
    var categories: [String]
    /// CSS hex colour per category; missing or invalid ones are drawn grey.
    var colours: [String: String]
    var units: DurationUnits
    /// Shown when no bar has any time: "No time tracked this week".
    var emptyText: String

    init(
        title: String, bars: [Bar], categories: [String], colours: [String: String],
        units: DurationUnits = .english, emptyText: String
    ) {
        self.title = title
        self.bars = bars
        self.categories = categories
        self.colours = colours
        self.units = units
        self.emptyText = emptyText
    }

    /// The `<svg>` element, ready to embed in HTML.
    func svg() -> String {
        StackedBarDrawing(chart: self).draw()
    }

    /// Seconds per category for each bar, clamped and merged, in stacking order.
    var stacks: [[(category: String, seconds: Double)]] {
        let order = stackingOrder
        return bars.map { bar in
            var sums: [String: Double] = [:]
            for segment in bar.segments {
                sums[segment.category, default: 0] += ChartNumber.clampedSeconds(segment.seconds)
            }
            return order.compactMap { category in
                guard let seconds = sums[category], seconds > 0 else { return nil }
                return (category, min(seconds, 1e12))
            }
        }
    }

    /// `categories` first, then unlisted ones as they appear; each name once.
    var stackingOrder: [String] {
        var seen = Set<String>()
        var order: [String] = []
        for category in categories + bars.flatMap({ $0.segments.map(\.category) }) where !seen.contains(category) {
            seen.insert(category)
            order.append(category)
        }
        return order
    }
}
