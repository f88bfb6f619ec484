import Foundation
import TallyCore

/// Toggl writes `+00:00` in REST answers and `Z`, sometimes with nanoseconds, in webhooks;
/// RFC3339.parse reads all of them (it keeps nine fraction digits).
enum TogglTimestamp {
    /// Whole seconds with `Z`: nothing in it needs percent-encoding in a query, unlike `+00:00`,
    /// whose `+` a server reads as a space.
    static func queryText(_ date: Date) -> String {
        let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        return String(RFC3339.format(whole).prefix(19)) + "Z"
    }
}

extension KeyedDecodingContainer {
    func decodeTogglDate(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }

    func decodeTogglDateIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }
}
