import TallyCore

/// Whose data an import or a phone's post is: the user asked for, or else the only user.
public enum DataOwner: Sendable, Equatable {
    case user(String)
    case unknown(String)
    case noUsers
    case severalUsers
}

extension TallyStore {
    public func owner(_ requested: String?) async throws -> DataOwner {
        if let requested {
            return try await user(id: requested) != nil ? .user(requested) : .unknown(requested)
        }
        let users = try await users(after: nil, limit: 2)
        switch users.count {
        case 0: return .noUsers
        case 1: return .user(users[0].id)
        default: return .severalUsers
        }
    }
}
