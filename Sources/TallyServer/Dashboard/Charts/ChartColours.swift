import Foundation

/// Category colours for the charts. The map comes from the user's category settings, so a
/// value that is not a plain CSS hex colour is treated like a missing one: the category is
/// drawn in neutral grey instead of letting arbitrary text into a `fill` attribute.
struct ChartColours: Sendable {
    static let neutralGrey = "#9e9e9e"

    var colours: [String: String]

    init(_ colours: [String: String]) {
        self.colours = colours
    }

    func colour(for category: String) -> String {
        guard let colour = colours[category]?.trimmingCharacters(in: .whitespaces),
              Self.isHexColour(colour) else { return Self.neutralGrey }
        return colour
    }

    /// "#rgb", "#rgba", "#rrggbb" or "#rrggbbaa", ASCII digits only (`Character.isHexDigit` also
    /// accepts fullwidth forms, which CSS does not).
    static func isHexColour(_ text: String) -> Bool {
        guard text.hasPrefix("#") else { return false }
        let digits = text.dropFirst()
        return [3, 4, 6, 8].contains(digits.count) && digits.unicodeScalars.allSatisfy { "0123456789abcdefABCDEF".unicodeScalars.contains($0) }
    }
}
