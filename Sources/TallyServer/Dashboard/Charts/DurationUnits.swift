import Foundation

/// The localised unit words for durations, passed in by the page so the charts need no
/// knowledge of languages: English "2 h 30 min", Dutch "2 u 30 min".
struct DurationUnits: Sendable, Equatable {
    var hour: String
    var minute: String

    init(hour: String = "h", minute: String = "min") {
        self.hour = hour
        self.minute = minute
    }

    static let english = DurationUnits(hour: "h", minute: "min")
    static let dutch = DurationUnits(hour: "u", minute: "min")
}
