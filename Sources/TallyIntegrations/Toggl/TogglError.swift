import Foundation
import TallyCore

/// Why a Toggl request failed. A struct around `reason` rather than a bare enum because every
/// error also carries how many requests were spent before it, which the sync state counts.
public struct TogglError: SourceError, Equatable, Sendable {
    public enum Reason: Sendable, Equatable {
        /// 403: Toggl answers a wrong or revoked token with 403, not 401.
        case invalidToken
        /// 402: the hourly quota is used up until `resetsAt`.
        case quotaExceeded(remaining: Int, resetsAt: Date)
        /// 429 after the client's own retries; try again after `retryAt`.
        case rateLimited(retryAt: Date)
        /// 5xx after one retry.
        case server(status: Int)
        /// Any other 4xx; `message` is Toggl's own, cut to one line.
        case badRequest(status: Int, message: String)
        case notFound
        /// 409 from the stop endpoint.
        case alreadyStopped
        /// A project name given to start a timer that the workspace does not have.
        case unknownProject(String)
        /// No workspace to start a timer in: the account has no default workspace.
        case noWorkspace
        /// A 2xx whose body is not what the API documents.
        case unexpectedResponse(String)
        /// Toggl could not be reached or the connection broke.
        case transport(String)
    }

    public var reason: Reason
    public var requestsMade: Int

    public init(_ reason: Reason, requestsMade: Int = 0) {
        self.reason = reason
        self.requestsMade = requestsMade
    }

    public var waitUntil: Date? {
        switch reason {
        case .quotaExceeded(_, let resetsAt): resetsAt
        case .rateLimited(let retryAt): retryAt
        default: nil
        }
    }

    public var quota: SourceQuota? {
        if case .quotaExceeded(let remaining, let resetsAt) = reason {
            return SourceQuota(remaining: remaining, resetsAt: resetsAt)
        }
        return nil
    }

    public var description: String {
        switch reason {
        case .invalidToken:
            "Toggl rejected the API token (HTTP 403); copy it again from Toggl Track's profile settings."
        case .quotaExceeded(_, let resetsAt):
            "Toggl's hourly request quota is used up (HTTP 402); it frees up at \(TogglTimestamp.queryText(resetsAt))."
        case .rateLimited(let retryAt):
            "Toggl is rate limiting requests (HTTP 429) even after retries; try again after \(TogglTimestamp.queryText(retryAt))."
        case .server(let status):
            "Toggl had a server error (HTTP \(status)) twice in a row; try again later."
        case .badRequest(let status, let message):
            message.isEmpty ? "Toggl refused the request (HTTP \(status))." : "Toggl refused the request (HTTP \(status)): \(message)"
        case .notFound:
            "Toggl has no such item (HTTP 404)."
        case .alreadyStopped:
            "The Toggl timer was already stopped."
        case .unknownProject(let name):
            "Toggl has no project named \"\(name)\" in this workspace."
        case .noWorkspace:
            "The Toggl account has no default workspace to start a timer in."
        case .unexpectedResponse(let what):
            "Toggl sent an answer Tally cannot read: \(what)"
        case .transport(let what):
            "Could not reach Toggl: \(what)"
        }
    }

    /// One line, short, and without the token, whatever the server or the transport wrote.
    static func oneLine(_ text: String, hiding secret: String, limit: Int = 200) -> String {
        var line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        if !secret.isEmpty { line = line.replacingOccurrences(of: secret, with: "[token]") }
        if line.count > limit { line = String(line.prefix(limit)) + "…" }
        return line
    }
}
