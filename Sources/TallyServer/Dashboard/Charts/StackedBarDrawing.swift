import Foundation

/// The geometry and markup of one `StackedBarChart`, kept apart from the chart's inputs.
struct StackedBarDrawing: Sendable {
    let chart: StackedBarChart

    private let width = 720.0
    private let plotLeft = 52.0
    private let plotRight = 708.0
    private let plotTop = 26.0
    private let plotBottom = 196.0
    private let xLabelBaseline = 215.0
    private let legendFirstBaseline = 245.0
    private let legendRowHeight = 20.0
    private let fontSize = 12.0

    func draw() -> String {
        let stacks = chart.stacks
        let totals = stacks.map { $0.reduce(0) { $0 + $1.seconds } }
        let axis = HourAxis(maxSeconds: totals.max() ?? 0)
        let isEmpty = totals.allSatisfy { $0 <= 0 }
        let legend = legendItems(stacks: stacks)
        let legendRows = layoutLegend(legend)
        let height = 260 + Double(max(legendRows.count - 1, 0)) * legendRowHeight
        let text = DurationText(units: chart.units)

        var svg = ChartSVG()
        svg.openRoot(width: width, height: height, className: "chart-stacked-bars", label: chart.title)
        if !chart.bars.isEmpty {
            let summary = zip(chart.bars, totals).map { "\($0.label): \(text.hours(seconds: $1))" }
            svg.element("desc", text: summary.joined(separator: "; "))
        }
        drawGrid(axis: axis, into: &svg)
        drawBars(stacks: stacks, totals: totals, axis: axis, text: text, into: &svg)
        drawXLabels(into: &svg)
        if isEmpty {
            svg.element("text", [
                "class": "chart-empty", "x": ChartSVG.number((plotLeft + plotRight) / 2),
                "y": ChartSVG.number((plotTop + plotBottom) / 2), "text-anchor": "middle",
                "font-size": "14", "fill-opacity": "0.7",
            ], text: chart.emptyText)
        } else {
            drawLegend(rows: legendRows, into: &svg)
        }
        svg.close("svg")
        return svg.markup
    }

    private func y(forSeconds seconds: Double, axis: HourAxis) -> Double {
        let fraction = min(max(seconds / axis.topSeconds, 0), 1)
        return ((plotBottom - fraction * (plotBottom - plotTop)) * 100).rounded() / 100
    }

    private var slotWidth: Double {
        (plotRight - plotLeft) / Double(max(chart.bars.count, 1))
    }

    private func drawGrid(axis: HourAxis, into svg: inout ChartSVG) {
        svg.open("g", ["class": "chart-grid"])
        for tick in axis.ticks {
            let y = ChartSVG.number(self.y(forSeconds: tick * 3600, axis: axis))
            svg.element("line", [
                "x1": ChartSVG.number(plotLeft), "x2": ChartSVG.number(plotRight), "y1": y, "y2": y,
                "stroke": "currentColor", "stroke-opacity": tick == 0 ? "0.45" : "0.15", "stroke-width": "1",
            ])
            svg.element("text", [
                "class": "chart-tick", "x": ChartSVG.number(plotLeft - 8), "y": y, "dy": "0.35em",
                "text-anchor": "end", "font-size": "11", "fill-opacity": "0.7", "data-hours": ChartNumber.format(tick, decimals: 1),
            ], text: "\(ChartNumber.format(tick, decimals: 1)) \(chart.units.hour)")
        }
        svg.close("g")
    }

    private func drawBars(
        stacks: [[(category: String, seconds: Double)]], totals: [Double], axis: HourAxis,
        text: DurationText, into svg: inout ChartSVG
    ) {
        let slot = slotWidth
        let barWidth = min(slot * 0.62, 64)
        let widestTotal = totals.map { ChartText.estimatedWidth(text.hours(seconds: $0), fontSize: 11) }.max() ?? 0
        // Every bar's total or none: skipping some would read as if those bars had none.
        let showsTotals = stride(forWidth: widestTotal) == 1
        svg.open("g", ["class": "chart-bars"])
        for (index, (bar, stack)) in zip(chart.bars, stacks).enumerated() {
            let x = ChartSVG.number(plotLeft + slot * Double(index) + (slot - barWidth) / 2)
            svg.open("g", ["class": "chart-bar", "data-label": bar.label])
            var below = 0.0
            for segment in stack {
                let bottom = y(forSeconds: below, axis: axis)
                below += segment.seconds
                let top = y(forSeconds: below, axis: axis)
                svg.open("rect", [
                    "class": "chart-segment", "x": x, "y": ChartSVG.number(top),
                    "width": ChartSVG.number(barWidth), "height": ChartSVG.number(bottom - top),
                    "fill": ChartColours(chart.colours).colour(for: segment.category),
                    "data-category": segment.category, "data-seconds": ChartNumber.format(segment.seconds, decimals: 0),
                ])
                svg.element("title", text: "\(segment.category) — \(text.duration(seconds: segment.seconds))")
                svg.close("rect")
            }
            svg.close("g")
        }
        svg.close("g")
        svg.open("g", ["class": "chart-totals"])
        for (index, total) in totals.enumerated() where showsTotals && total > 0 {
            svg.element("text", [
                "class": "chart-total", "x": ChartSVG.number(plotLeft + slot * (Double(index) + 0.5)),
                "y": ChartSVG.number(y(forSeconds: total, axis: axis) - 6), "text-anchor": "middle",
                "font-size": "11", "font-weight": "600", "data-seconds": ChartNumber.format(total, decimals: 0),
            ], text: text.hours(seconds: total))
        }
        svg.close("g")
    }

    private func drawXLabels(into svg: inout ChartSVG) {
        let widest = chart.bars.map { ChartText.estimatedWidth($0.label, fontSize: fontSize) }.max() ?? 0
        let labelStride = stride(forWidth: widest)
        svg.open("g", ["class": "chart-x-labels"])
        for (index, bar) in chart.bars.enumerated() where index % labelStride == 0 {
            svg.element("text", [
                "class": "chart-x-label", "x": ChartSVG.number(plotLeft + slotWidth * (Double(index) + 0.5)),
                "y": ChartSVG.number(xLabelBaseline), "text-anchor": "middle", "font-size": "12",
            ], text: bar.label)
        }
        svg.close("g")
    }

    /// Labels every `n`th bar when bars are too narrow for all labels (a year of weeks).
    private func stride(forWidth labelWidth: Double) -> Int {
        max(Int(((labelWidth + 8) / slotWidth).rounded(.up)), 1)
    }

    // MARK: Legend

    private struct LegendItem {
        var category: String
        var shown: String
        var colour: String
        var width: Double
    }

    private func legendItems(stacks: [[(category: String, seconds: Double)]]) -> [LegendItem] {
        let present = Set(stacks.flatMap { $0.map(\.category) })
        let colours = ChartColours(chart.colours)
        return chart.stackingOrder.filter(present.contains).map { category in
            let shown = ChartText.truncated(category, to: 28)
            return LegendItem(
                category: category, shown: shown, colour: colours.colour(for: category),
                width: 18 + ChartText.estimatedWidth(shown, fontSize: fontSize) + 20
            )
        }
    }

    /// Items with their x positions, wrapped into rows that fit the chart's width.
    private func layoutLegend(_ items: [LegendItem]) -> [[(item: LegendItem, x: Double)]] {
        var rows: [[(item: LegendItem, x: Double)]] = []
        var row: [(item: LegendItem, x: Double)] = []
        var x = plotLeft
        for item in items {
            if !row.isEmpty && x + item.width > plotRight {
                rows.append(row)
                row = []
                x = plotLeft
            }
            row.append((item, x))
            x += item.width
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    private func drawLegend(rows: [[(item: LegendItem, x: Double)]], into svg: inout ChartSVG) {
        svg.open("g", ["class": "chart-legend"])
        for (rowIndex, row) in rows.enumerated() {
            let baseline = legendFirstBaseline + Double(rowIndex) * legendRowHeight
            for (item, x) in row {
                svg.open("g", ["class": "chart-legend-item", "data-category": item.category])
                if item.shown != item.category { svg.element("title", text: item.category) }
                svg.element("rect", [
                    "x": ChartSVG.number(x), "y": ChartSVG.number(baseline - 10), "width": "12", "height": "12",
                    "rx": "2", "fill": item.colour,
                ])
                svg.element("text", [
                    "x": ChartSVG.number(x + 18), "y": ChartSVG.number(baseline), "font-size": "12",
                ], text: item.shown)
                svg.close("g")
            }
        }
        svg.close("g")
    }
}
