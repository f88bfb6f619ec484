import Foundation
import TallyCore

/// An instant as Apple Health prints it, "2023-01-05 07:30:00 +0100".
///
/// Parsed by hand: `DateFormatter` costs ~45 µs a call on Linux, and an export holds millions of
/// dates. The printed offset is the exporting phone's at export time, not the one in force when
/// the sample was recorded, so the instant is right but the wall clock may not be; it is kept
/// only so the text can be reproduced.
public struct HealthTimestamp: Sendable, Hashable, CustomStringConvertible {
    public var secondsSince1970: Int64
    public var utcOffsetSeconds: Int32

    public init(secondsSince1970: Int64, utcOffsetSeconds: Int32) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Parses exactly `yyyy-MM-dd HH:mm:ss ±HHMM`; nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ HealthTimestamp(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 25,
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: " "),
              let year = Self.number(bytes, 0, 4), let month = Self.number(bytes, 5, 2),
              let day = Self.number(bytes, 8, 2), let hour = Self.number(bytes, 11, 2),
              let minute = Self.number(bytes, 14, 2), let second = Self.number(bytes, 17, 2),
              let offsetHours = Self.number(bytes, 21, 2), let offsetMinutes = Self.number(bytes, 23, 2)
        else { return nil }
        let sign: Int64
        switch bytes[20] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60, offsetHours < 24, offsetMinutes < 60
        else { return nil }
        let offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        let local = Int64(RFC3339.daysSinceEpoch(year: Int(year), month: Int(month), day: Int(day))) * 86400 + hour * 3600 + minute * 60 + second
        self.init(secondsSince1970: local - offset, utcOffsetSeconds: Int32(offset))
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    /// The text Apple Health would print for this instant and offset.
    public var description: String {
        let local = secondsSince1970 + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secondOfDay = local - days * 86400
        let civil = RFC3339.civilDate(daysSinceEpoch: Int(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        let offset = abs(Int64(utcOffsetSeconds))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)) "
            + "\(utcOffsetSeconds < 0 ? "-" : "+")\(pad(offset / 3600, 2))\(pad(offset / 60 % 60, 2))"
    }

    private static func number(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ width: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + width) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
