import Foundation
import TallyCore

/// What went wrong talking to Clockify. A struct around `Reason` rather than a bare enum because the
/// sync engine also needs the request count and, when rate limited, when to try again.
public struct ClockifyError: SourceError, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        /// 401 or 403: the key is wrong, revoked, or has no access to the workspace.
        case invalidKey(status: Int)
        /// 429 after the client's own backoff ran out.
        case rateLimited
        /// 5xx after one retry.
        case server(status: Int)
        /// Another 4xx; `message` is Clockify's own.
        case badRequest(status: Int, message: String)
        /// 404 on a call where it means something is missing (a workspace, a user).
        case notFound(String)
        /// No HTTP answer: connection refused, timeout, TLS.
        case transport(String)
        /// An answer that is not the JSON Clockify documents.
        case unexpectedResponse(String)
        /// `startTimer` was given a project name the workspace does not have.
        case unknownProject(String)
    }

    public var reason: Reason
    public var waitUntil: Date?
    public var requestsMade: Int

    public init(_ reason: Reason, waitUntil: Date? = nil, requestsMade: Int = 0) {
        self.reason = reason
        self.waitUntil = waitUntil
        self.requestsMade = requestsMade
    }

    public var description: String {
        switch reason {
        case .invalidKey(let status):
            "Clockify rejected the API key (HTTP \(status)); create a new one under Profile settings → API in Clockify."
        case .rateLimited:
            "Clockify is rate limiting this workspace (HTTP 429; Free workspaces allow 30 requests an hour)"
                + (waitUntil.map { "; next try after \(ClockifyTimestamp.utc($0))." } ?? ".")
        case .server(let status):
            "Clockify had a server error (HTTP \(status)); try again later."
        case .badRequest(let status, let message):
            "Clockify refused the request (HTTP \(status)): \(message)"
        case .notFound(let what):
            "Clockify has no \(what) (HTTP 404)."
        case .transport(let reason):
            "Cannot reach Clockify: \(reason)"
        case .unexpectedResponse(let reason):
            "Clockify sent an answer Tally cannot read: \(reason)"
        case .unknownProject(let name):
            "Clockify has no project named \"\(name)\" in this workspace."
        }
    }

    /// Text from outside (Clockify's messages, transport errors) made fit for one line of a CLI
    /// message: no line breaks, bounded, and never the key even if a server echoed it.
    static func oneLine(_ text: String, hiding secret: String, limit: Int = 200) -> String {
        var line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        if !secret.isEmpty { line = line.replacingOccurrences(of: secret, with: "[key]") }
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }

    /// A decoding failure in a few words: where in the JSON, and what.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let found), .valueNotFound(_, let found), .keyNotFound(_, let found), .dataCorrupted(let found):
            context = found
        @unknown default:
            return String(describing: error)
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}
