import Foundation

/// Text going into the charts' SVG. Category names, labels and descriptions come from users, so
/// every piece of text and every attribute value passes through `escape` before it is written.
enum ChartText {
    /// Escapes the five XML specials and drops characters XML 1.0 cannot hold at all (most
    /// control characters), which would otherwise make the whole inline SVG unparseable.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                if isAllowedInXML(scalar) { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }

    /// Shortens text to at most `limit` characters with an ellipsis, so one long category name
    /// cannot push the legend off the chart; the full name stays in the tooltip.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard limit > 1, text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// A rough width of text in user units. The SVG inherits the page's font, which the server
    /// cannot measure, so layout uses a generous average glyph width instead.
    static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.62
    }

    private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
