import Foundation

/// Writes SVG markup. Every attribute value and text node goes through `ChartText.escape`, so
/// the chart code cannot forget to escape a user's category name; element and attribute names
/// are always the charts' own literals.
struct ChartSVG: Sendable {
    private(set) var markup = ""

    /// An element that will contain others; close it with `close(_:)`.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        markup += "<\(name)\(Self.attributes(attributes))>"
    }

    mutating func close(_ name: String) {
        markup += "</\(name)>"
    }

    /// A leaf element: self-closing without text, else holding the (escaped) text.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String? = nil) {
        if let text {
            markup += "<\(name)\(Self.attributes(attributes))>\(ChartText.escape(text))</\(name)>"
        } else {
            markup += "<\(name)\(Self.attributes(attributes))/>"
        }
    }

    /// A coordinate or length, with two decimals at most.
    static func number(_ value: Double) -> String {
        ChartNumber.format(value, decimals: 2)
    }

    /// The opening tag every chart shares: a fixed viewBox that also sets the natural size,
    /// `role="img"` with a label for screen readers, text in the page's own font and colour.
    mutating func openRoot(width: Double, height: Double, className: String, label: String) {
        open("svg", [
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "chart \(className)",
            "viewBox": "0 0 \(Self.number(width)) \(Self.number(height))",
            "width": Self.number(width),
            "height": Self.number(height),
            "role": "img",
            "aria-label": label,
            "font-family": "inherit",
            "fill": "currentColor",
        ])
        element("title", text: label)
    }

    private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " \($0.key)=\"\(ChartText.escape($0.value))\"" }.joined()
    }
}
