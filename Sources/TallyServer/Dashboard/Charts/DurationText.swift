import Foundation

/// Durations written for people: "2 h 30 min" in tooltips, "7.5 h" where space is tight.
/// Returns plain text; callers escape it for the markup they write.
struct DurationText: Sendable {
    var units: DurationUnits

    init(units: DurationUnits = .english) {
        self.units = units
    }

    /// Whole minutes, rounded to the nearest: 9000 → "2 h 30 min", 2700 → "45 min",
    /// 0 → "0 min", 43200 → "12 h". Negative input counts as 0.
    func duration(seconds: Double) -> String {
        let minutes = Int64((ChartNumber.clampedSeconds(seconds) / 60).rounded())
        let hours = minutes / 60
        let rest = minutes % 60
        switch (hours, rest) {
        case (0, _): return "\(rest) \(units.minute)"
        case (_, 0): return "\(hours) \(units.hour)"
        default: return "\(hours) \(units.hour) \(rest) \(units.minute)"
        }
    }

    func duration(seconds: Int) -> String {
        duration(seconds: Double(seconds))
    }

    /// Hours with at most one decimal and no trailing ".0": 27000 → "7.5 h", 43200 → "12 h".
    func hours(seconds: Double) -> String {
        "\(ChartNumber.format(ChartNumber.clampedSeconds(seconds) / 3600, decimals: 1)) \(units.hour)"
    }

    func hours(seconds: Int) -> String {
        hours(seconds: Double(seconds))
    }
}
