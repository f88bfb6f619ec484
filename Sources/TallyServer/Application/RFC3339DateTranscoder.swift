import Foundation
import OpenAPIRuntime
import TallyCore

/// Dates on the wire as RFC 3339 UTC with milliseconds, without Foundation's ISO 8601 formatter
/// (tens of microseconds a call on Linux, and a list of 100 daily logs has 200 dates).
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time"))
        }
        return date
    }
}
