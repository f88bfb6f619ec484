import Foundation

/// Numbers as the charts write them: a `.` decimal separator whatever the server's locale, at
/// most a few decimals, never exponent notation, "nan" or "-0" — SVG attributes and the text
/// people read both need that.
enum ChartNumber {
    /// Beyond this nothing a chart shows is meaningful, and rounding stays exact in `Int64`.
    private static let limit = 1e12

    /// `value` rounded to at most `decimals` places (0…3), trailing zeros dropped: 7.5 → "7.5",
    /// 8.0 → "8", 1e-05 → "0". Not-finite input is written as "0".
    static func format(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let places = min(max(decimals, 0), 3)
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let clamped = min(max(value, -limit), limit)
        let scaled = Int64((clamped * Double(scale)).rounded())
        if scaled == 0 { return "0" }
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = magnitude % UInt64(scale)
        var digits = places
        while digits > 0 && fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var text = scaled < 0 ? "-\(whole)" : "\(whole)"
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    /// A duration in seconds made safe to compute with: negative, not-finite or absurd values
    /// become 0 or the limit, so bad input draws an odd chart rather than crashing the page.
    static func clampedSeconds(_ seconds: Double) -> Double {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return min(seconds, limit)
    }
}
