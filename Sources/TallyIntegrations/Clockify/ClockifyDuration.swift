/// ISO 8601 durations as Clockify writes them (`PT1H30M`, `PT45S`, `PT0S`, `P1DT2H`). Tally stores
/// start and stop, so this only serves checks and display; years and months have no fixed length
/// and are refused.
public enum ClockifyDuration {
    /// Seconds the duration stands for; nil when the text is not such a duration.
    public static func seconds(_ text: String) -> Double? {
        var bytes = Substring(text).utf8[...]
        guard bytes.popFirst() == UInt8(ascii: "P"), !bytes.isEmpty else { return nil }
        var total = 0.0
        var inTime = false
        var sawComponent = false
        var lastUnitRank = -1
        while let first = bytes.first {
            if first == UInt8(ascii: "T") {
                guard !inTime else { return nil }
                inTime = true
                bytes.removeFirst()
                // A `T` must be followed by at least one time component.
                guard !bytes.isEmpty else { return nil }
                continue
            }
            var number = 0.0
            var digits = 0
            var fractionScale = 0.0
            while let byte = bytes.first {
                if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    let digit = Double(byte - UInt8(ascii: "0"))
                    if fractionScale > 0 {
                        number += digit * fractionScale
                        fractionScale /= 10
                    } else {
                        number = number * 10 + digit
                    }
                    digits += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") {
                    guard fractionScale == 0 else { return nil }
                    fractionScale = 0.1
                } else {
                    break
                }
                bytes.removeFirst()
            }
            guard digits > 0, let unit = bytes.popFirst() else { return nil }
            let rank: Int
            let scale: Double
            switch (inTime, unit) {
            case (false, UInt8(ascii: "W")): (rank, scale) = (0, 604_800)
            case (false, UInt8(ascii: "D")): (rank, scale) = (1, 86_400)
            case (true, UInt8(ascii: "H")): (rank, scale) = (2, 3600)
            case (true, UInt8(ascii: "M")): (rank, scale) = (3, 60)
            case (true, UInt8(ascii: "S")): (rank, scale) = (4, 1)
            default: return nil
            }
            // Units come largest first, each at most once; only the last may have a fraction.
            guard rank > lastUnitRank, fractionScale == 0 || bytes.isEmpty else { return nil }
            lastUnitRank = rank
            total += number * scale
            sawComponent = true
        }
        return sawComponent ? total : nil
    }
}
