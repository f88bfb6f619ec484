import Foundation

/// What went wrong, typed by the answer's status, with the server's problem details when given.
public enum TallyClientError: Error, Sendable {
    /// 401: no key, or an unknown, expired or revoked one.
    case unauthorized(Problem?)
    /// 403: the key's scope does not allow this.
    case forbidden(Problem?)
    case notFound(Problem?)
    /// 409: the thing exists already; `existingID` names it.
    case conflict(existingID: String?, Problem?)
    /// 400 or 422: the request or some of its fields are invalid.
    case invalid(status: Int, Problem?)
    /// 429 after the retries ran out: wait `retryAfter` before trying again.
    case rateLimited(retryAfter: Duration?, Problem?)
    /// 5xx after the retries ran out.
    case server(status: Int, Problem?)
    case unexpected(status: Int, Problem?)

    public var problem: Problem? {
        switch self {
        case .unauthorized(let problem), .forbidden(let problem), .notFound(let problem),
            .conflict(_, let problem), .invalid(_, let problem), .rateLimited(_, let problem),
            .server(_, let problem), .unexpected(_, let problem):
            problem
        }
    }
}
