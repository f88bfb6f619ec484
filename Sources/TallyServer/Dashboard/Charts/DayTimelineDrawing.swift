import Foundation

/// The geometry and markup of one `DayTimelineChart`, kept apart from the chart's inputs.
struct DayTimelineDrawing: Sendable {
    let chart: DayTimelineChart

    private let width = 720.0
    private let height = 90.0
    private let trackLeft = 28.0
    private let trackRight = 692.0
    private let trackTop = 14.0
    private let trackBottom = 52.0
    private let tickLabelBaseline = 72.0
    /// Even a two-minute entry stays visible as a sliver.
    private let minimumSegmentWidth = 1.5

    func draw() -> String {
        let interval = chart.drawnInterval
        let clock = WallClock(timeZone: chart.timeZone)
        let colours = ChartColours(chart.colours)

        var svg = ChartSVG()
        svg.openRoot(width: width, height: height, className: "chart-day-timeline", label: chart.title)
        svg.element("rect", [
            "class": "chart-track", "x": ChartSVG.number(trackLeft), "y": ChartSVG.number(trackTop),
            "width": ChartSVG.number(trackRight - trackLeft), "height": ChartSVG.number(trackBottom - trackTop),
            "fill": "currentColor", "fill-opacity": "0.06",
        ])

        svg.open("g", ["class": "chart-grid"])
        for tick in chart.hourTicks {
            let x = ChartSVG.number(self.x(for: tick.instant, in: interval))
            svg.element("line", [
                "x1": x, "x2": x, "y1": ChartSVG.number(trackTop - 4), "y2": ChartSVG.number(trackBottom + 4),
                "stroke": "currentColor", "stroke-opacity": "0.2", "stroke-width": "1",
            ])
            svg.element("text", [
                "class": "chart-tick", "x": x, "y": ChartSVG.number(tickLabelBaseline), "text-anchor": "middle",
                "font-size": "11", "fill-opacity": "0.7", "data-time": tick.label,
            ], text: tick.label)
        }
        svg.close("g")

        svg.open("g", ["class": "chart-segments"])
        var drawn = 0
        for segment in chart.segments {
            guard segment.start.timeIntervalSinceReferenceDate.isFinite,
                  segment.stop.timeIntervalSinceReferenceDate.isFinite else { continue }
            // A stop before its start (a clock set wrong) is an empty span, not a crash.
            let stop = max(segment.stop, segment.start)
            guard let visible = DateInterval(start: segment.start, end: stop).intersection(with: interval),
                  visible.duration > 0 else { continue }
            drawn += 1
            let left = x(for: visible.start, in: interval)
            let segmentWidth = max(x(for: visible.end, in: interval) - left, minimumSegmentWidth)
            var tooltip = "\(clock.text(at: segment.start))–\(clock.text(at: stop)) \(segment.category)"
            if !segment.label.isEmpty { tooltip += " · \(segment.label)" }
            svg.open("rect", [
                "class": "chart-segment", "x": ChartSVG.number(left), "y": ChartSVG.number(trackTop),
                "width": ChartSVG.number(segmentWidth), "height": ChartSVG.number(trackBottom - trackTop),
                "fill": colours.colour(for: segment.category),
                "data-category": segment.category, "data-seconds": ChartNumber.format(visible.duration, decimals: 0),
            ])
            svg.element("title", text: tooltip)
            svg.close("rect")
        }
        svg.close("g")

        if drawn == 0 {
            svg.element("text", [
                "class": "chart-empty", "x": ChartSVG.number((trackLeft + trackRight) / 2),
                "y": ChartSVG.number((trackTop + trackBottom) / 2), "dy": "0.35em", "text-anchor": "middle",
                "font-size": "13", "fill-opacity": "0.7",
            ], text: chart.emptyText)
        }

        if let now = chart.now, interval.contains(now) {
            let x = ChartSVG.number(self.x(for: now, in: interval))
            svg.open("line", [
                "class": "chart-now", "x1": x, "x2": x, "y1": ChartSVG.number(trackTop - 8),
                "y2": ChartSVG.number(trackBottom + 8), "stroke": "#d62728", "stroke-width": "2",
            ])
            svg.element("title", text: "\(chart.nowLabel) \(clock.text(at: now))")
            svg.close("line")
        }
        svg.close("svg")
        return svg.markup
    }

    private func x(for instant: Date, in interval: DateInterval) -> Double {
        let fraction = instant.timeIntervalSince(interval.start) / interval.duration
        return trackLeft + min(max(fraction, 0), 1) * (trackRight - trackLeft)
    }
}
