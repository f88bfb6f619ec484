import Foundation

/// What an API key may do. Scopes are ordered: `admin` includes `write`, which includes `read`.
public enum Scope: String, Sendable, CaseIterable, Comparable, Codable {
    case read, write, admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rank < rhs.rank }

    /// Parses a comma-separated list such as `read,write`.
    public static func parseList(_ text: String) -> [Scope]? {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty else { return nil }
        var scopes: [Scope] = []
        for part in parts {
            guard let scope = Scope(rawValue: part.lowercased()) else { return nil }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes.sorted()
    }
}

/// A stored API key. The secret itself is never stored: only its SHA-256 hash.
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The non-secret start of the key (`tly_` and the lookup part), shown in lists.
    public var prefix: String
    public var lookup: String
    public var secretHash: [UInt8]
    public var scopes: [Scope]
    public var userID: String?
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, name: String, prefix: String, lookup: String, secretHash: [UInt8], scopes: [Scope],
        userID: String?, createdAt: Date, lastUsedAt: Date? = nil, expiresAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.lookup = lookup
        self.secretHash = secretHash
        self.scopes = scopes
        self.userID = userID
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func allows(_ required: Scope) -> Bool {
        scopes.contains { $0 >= required }
    }

    public func isActive(at now: Date) -> Bool {
        if revokedAt != nil { return false }
        if let expiresAt, expiresAt <= now { return false }
        return true
    }

    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        problems.checkText("name", name, maxLength: 200)
        problems.checkInstant("expires_at", expiresAt)
        if scopes.isEmpty { problems.add("scopes", "must name at least one of read, write, admin") }
        try problems.throwIfAny()
    }
}
