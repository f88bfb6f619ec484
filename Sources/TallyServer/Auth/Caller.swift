import TallyCore

/// The authenticated caller, visible to the generated API handlers (which do not see the
/// Hummingbird context) for the duration of one request: their key (or the dashboard session's
/// stand-in) and for whom they may act. Every access decision of the API goes through here.
enum Caller {
    struct Identity: Sendable {
        var apiKey: APIKey
        var access: Access
    }

    @TaskLocal static var identity: Identity?

    static var apiKey: APIKey? { identity?.apiKey }

    /// The caller's access; none at all without an identity.
    static var access: Access { identity?.access ?? .member("") }

    /// Throws 403 unless the caller's key has `scope` (or a higher one).
    static func require(_ scope: Scope) throws(APIError) {
        guard let apiKey else { throw APIError.unauthorized("an API key is required") }
        guard apiKey.allows(scope) else {
            throw APIError.forbidden("this API key lacks the '\(scope.rawValue)' scope")
        }
    }

    /// Throws 403 unless the caller may change records of `owner`.
    static func requireChange(of owner: String, _ kind: String) throws(APIError) {
        guard access.mayChange(recordsOf: owner) else {
            throw APIError.forbidden("you may change only your own \(kind)")
        }
    }

    /// Throws 404, as if the record did not exist, unless the caller may read `owner`'s private
    /// records: a member learns nothing of other people's time entries or appointments.
    static func requirePrivateRead(of owner: String, kind: String, id: String) throws(TallyError) {
        guard access.mayRead(privateRecordsOf: owner) else { throw TallyError.notFound(kind: kind, id: id) }
    }

    /// The user a list of private records is narrowed to (see `Access.privateScope`).
    static func privateScope(asked: String?, _ kind: String) throws(APIError) -> String? {
        switch access.privateScope(asked: asked) {
        case .success(let userID): return userID
        case .failure(let denied):
            throw APIError.forbidden("you may see only your own \(kind), not those of '\(denied.userID)'")
        }
    }
}

extension Caller {
    /// The owner check for a store's update closure, which runs on the store's queue where the
    /// request's task-locals are not: the caller's access is taken now. Other people's private
    /// records are answered 404, as if they did not exist; other shared records 403.
    static func ownerCheck(_ kind: String, id: String, isPrivate: Bool) -> @Sendable (_ owner: String) throws -> Void {
        let access = access
        return { owner in
            guard access.mayChange(recordsOf: owner) else {
                if isPrivate { throw TallyError.notFound(kind: kind, id: id) }
                throw APIError.forbidden("you may change only your own \(kind)s")
            }
        }
    }
}
