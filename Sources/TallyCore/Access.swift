/// For whom a caller may act, decided once per request from the key or dashboard session.
///
/// - An admin, a manager, or an API key bound to no user (an integration such as the seed's CRM
///   client) acts for the whole team, within its key's scopes.
/// - A member, through a key bound to them or their dashboard session, changes only their own
///   records; of other people they read what the team views need (users, daily logs, the goal
///   report and leaderboard), not their time entries, time reports, imports or appointments
///   (which hold customers' contact details).
public struct Access: Sendable, Equatable {
    /// The only user whose records this caller may change; nil for the whole team.
    public let ownUserID: String?

    public static let wholeTeam = Access(ownUserID: nil)

    public static func member(_ userID: String) -> Access { Access(ownUserID: userID) }

    /// A key's access: bound to a user, it acts as that user would.
    public static func of(key: APIKey, boundUser: User?) -> Access {
        guard let userID = key.userID, !key.allows(.admin) else { return .wholeTeam }
        switch boundUser?.role {
        case .admin, .manager: return .wholeTeam
        case .member: return .member(userID)
        // A key bound to a user who was deleted acts for nobody in particular: only its own id.
        case nil: return .member(userID)
        }
    }

    public static func of(user: User) -> Access {
        user.role == .member ? .member(user.id) : .wholeTeam
    }

    public var actsForWholeTeam: Bool { ownUserID == nil }

    /// Whether the caller may create, change or delete a record that belongs to `owner`.
    public func mayChange(recordsOf owner: String) -> Bool {
        ownUserID == nil || ownUserID == owner
    }

    /// Whether the caller may read `owner`'s private records (time, imports, appointments).
    public func mayRead(privateRecordsOf owner: String) -> Bool {
        mayChange(recordsOf: owner)
    }

    /// The user a list of private records is narrowed to: the one asked for, or for a member
    /// their own; nil (everyone's) only for the whole team. Asking for someone else is denied.
    public func privateScope(asked: String?) -> Result<String?, AccessDenied> {
        guard let ownUserID else { return .success(asked) }
        if let asked, asked != ownUserID { return .failure(AccessDenied(userID: asked)) }
        return .success(ownUserID)
    }
}

/// A member asked for another user's private records.
public struct AccessDenied: Error, Sendable, Equatable {
    public var userID: String
}
