import Foundation
import Testing
@testable import TallyIntegrations

@Suite struct HealthTimestampTests {
    @Test("Apple's format becomes a UTC instant and keeps its offset", arguments: [
        ("2023-01-05 07:30:00 +0100", 1_672_900_200, 3600),
        ("2019-05-04 08:12:43 +0200", 1_556_950_363, 7200),
        ("2024-02-29 23:59:59 -0800", 1_709_279_999, -28800),
        ("2023-06-30 18:00:00 +0530", 1_688_128_200, 19800),
        ("1969-12-31 23:59:59 +0000", -1, 0),
        ("2000-01-01 00:00:00 +1345", 946_635_300, 49500),
        ("9999-12-31 23:59:59 -0330", 253_402_313_399, -12600),
        ("0001-01-01 00:00:00 +0000", -62_135_596_800, 0),
    ] as [(String, Int64, Int32)])
    func parses(text: String, seconds: Int64, offset: Int32) throws {
        let timestamp = try #require(HealthTimestamp(text))
        #expect(timestamp.secondsSince1970 == seconds)
        #expect(timestamp.utcOffsetSeconds == offset)
        #expect(timestamp.date == Date(timeIntervalSince1970: TimeInterval(seconds)))
        #expect(timestamp.description == text)
    }

    @Test("anything but exactly yyyy-MM-dd HH:mm:ss ±HHMM is refused", arguments: [
        "", "2023-01-05", "2023-01-05 07:30:00", "2023-01-05 07:30:00 +01:00", "2023-01-05T07:30:00 +0100",
        "2023-01-05 07:30:00 +0100 ", " 2023-01-05 07:30:00 +0100", "2023-01-05 07:30:00 0100",
        "2023-13-05 07:30:00 +0100", "2023-00-05 07:30:00 +0100", "2023-01-00 07:30:00 +0100",
        "2023-01-32 07:30:00 +0100", "2023-04-31 07:30:00 +0100", "2023-02-29 07:30:00 +0100",
        "1900-02-29 07:30:00 +0100", "2023-01-05 24:00:00 +0100", "2023-01-05 07:60:00 +0100",
        "2023-01-05 07:30:60 +0100", "2023-01-05 07:30:00 +0160", "2023-01-05 07:30:00 +2400",
        "2023-01-05 07:3O:00 +0100", "2023/01/05 07:30:00 +0100", "2023-01-05 07:30:00 *0100",
        "２０２３-01-05 07:30:00 +0100",
    ])
    func refuses(text: String) {
        #expect(HealthTimestamp(text) == nil)
    }

    @Test("leap days of leap years only")
    func leapDays() {
        #expect(HealthTimestamp("2000-02-29 12:00:00 +0000") != nil)
        #expect(HealthTimestamp("2024-02-29 12:00:00 +0000") != nil)
        #expect(HealthTimestamp("2100-02-29 12:00:00 +0000") == nil)
    }

    @Test("agrees with Foundation's Gregorian calendar across two centuries")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)
            let offset = Int32.random(in: -48...56, using: &generator) * 900
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(TimeZone(secondsFromGMT: Int(offset)))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            func pad(_ value: Int?, _ width: Int) -> String {
                let digits = String(value ?? -1)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            let sign = offset < 0 ? "-" : "+"
            let text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2)) \(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)) "
                + "\(sign)\(pad(Int(abs(offset)) / 3600, 2))\(pad(Int(abs(offset)) / 60 % 60, 2))"
            let parsed = HealthTimestamp(text)
            #expect(parsed == HealthTimestamp(secondsSince1970: seconds, utcOffsetSeconds: offset), "\(text)")
            #expect(parsed?.description == text)
        }
    }
}
