import Foundation
import OpenAPIRuntime

/// Reads RFC 3339 date-times with or without fractional seconds (Tally sends milliseconds);
/// writes them with milliseconds.
struct LenientISO8601DateTranscoder: DateTranscoder {
    private let fractional = ISO8601DateFormatterBox(options: [.withInternetDateTime, .withFractionalSeconds])
    private let whole = ISO8601DateFormatterBox(options: [.withInternetDateTime])

    func encode(_ date: Date) throws -> String { fractional.string(from: date) }

    func decode(_ text: String) throws -> Date {
        if let date = fractional.date(from: text) ?? whole.date(from: text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time"))
    }
}

/// ISO8601DateFormatter is thread-safe but not marked Sendable.
final class ISO8601DateFormatterBox: @unchecked Sendable {
    private let formatter = ISO8601DateFormatter()

    init(options: ISO8601DateFormatter.Options) {
        formatter.formatOptions = options
    }

    func string(from date: Date) -> String { formatter.string(from: date) }
    func date(from text: String) -> Date? { formatter.date(from: text) }
}
