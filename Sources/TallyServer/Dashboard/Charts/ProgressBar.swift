import Foundation

/// A goal's progress as a small inline SVG bar with "7 / 10" beside it. The bar never grows
/// past full — overshooting a goal shows in the numbers, not by breaking the layout — and an
/// achieved goal turns green and gains a ✓, so colour is not the only sign.
struct ProgressBar: Sendable {
    /// The goal's name, for the accessible label and tooltip: "Deep work this week".
    var label: String
    var value: Double
    var target: Double
    var achieved: Bool
    /// Written after the numbers when not empty: "7.5 / 10 h".
    var unit: String

    static let achievedColour = "#59a14f"
    static let pendingColour = "#4e79a7"

    init(label: String, value: Double, target: Double, achieved: Bool, unit: String = "") {
        self.label = label
        self.value = value
        self.target = target
        self.achieved = achieved
        self.unit = unit
    }

    /// How full the bar is drawn, 0…1. A goal without a positive target is full once anything counts.
    var fraction: Double {
        let value = value.isFinite ? max(value, 0) : 0
        guard target.isFinite, target > 0 else { return value > 0 || achieved ? 1 : 0 }
        return min(value / target, 1)
    }

    /// "7 / 10", "7.5 / 10 h", "✓ 12 / 10".
    var valueText: String {
        var text = "\(ChartNumber.format(value, decimals: 1)) / \(ChartNumber.format(target, decimals: 1))"
        if !unit.isEmpty { text += " \(unit)" }
        return achieved ? "✓ " + text : text
    }

    func svg() -> String {
        let barWidth = 150.0
        // Wide enough for the numbers in bold, whatever their length: "✓ 1250.5 / 1000 h".
        let width = (barWidth + 8 + ChartText.estimatedWidth(valueText, fontSize: 12) * 1.15 + 4).rounded(.up)
        var svg = ChartSVG()
        svg.openRoot(width: width, height: 20, className: "chart-progress", label: "\(label): \(valueText)")
        svg.element("rect", [
            "class": "chart-progress-track", "x": "0", "y": "5", "width": ChartSVG.number(barWidth), "height": "10",
            "rx": "5", "fill": "currentColor", "fill-opacity": "0.12",
        ])
        if fraction > 0 {
            svg.element("rect", [
                "class": "chart-progress-fill", "x": "0", "y": "5", "width": ChartSVG.number(max(barWidth * fraction, 10)),
                "height": "10", "rx": "5", "fill": achieved ? Self.achievedColour : Self.pendingColour,
                "data-fraction": ChartNumber.format(fraction, decimals: 3),
            ])
        }
        svg.element("text", [
            "class": "chart-progress-text", "x": ChartSVG.number(barWidth + 8), "y": "10", "dy": "0.35em",
            "font-size": "12", "font-weight": achieved ? "600" : "400",
        ], text: valueText)
        svg.close("svg")
        return svg.markup
    }
}
