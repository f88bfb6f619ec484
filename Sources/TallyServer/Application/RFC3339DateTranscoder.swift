import Foundation
import OpenAPIRuntime
import TallyCore

/// Dates on the wire as RFC 3339 UTC with milliseconds, without Foundation's ISO 8601 formatter
/// (tens of microseconds a call on Linux, and a list of 100 daily logs has 200 dates). Instants
/// outside the years 0001–9999 UTC are refused like malformed ones: Tally could not store them.
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else { throw InvalidInstantText(text: text) }
        return date
    }
}

/// A date-time that is not RFC 3339, or lies outside 0001–9999 UTC. The transcoder does not know
/// which field it was reading; `ProblemMapping` finds the field in the request body.
struct InvalidInstantText: Error, CustomStringConvertible {
    var text: String
    static let detail = "must be an RFC 3339 date-time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"
    var description: String { "'\(text)' " + Self.detail }
}
