import Foundation

/// A person on the team: the owner of daily logs, appointments and (later) time entries.
public struct User: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var role: Role
    public var timezone: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, email: String? = nil, role: Role = .member, timezone: String,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.timezone = timezone
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Checks the fields a caller can set, naming each bad one.
    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        if !Identifier.isValidClientChosen(id) {
            problems.add("id", "must be 1–64 letters, digits, '_', '-' or '.'")
        }
        problems.checkText("name", name, maxLength: 200)
        if let email {
            if email.count > 254 || !email.contains("@") || email.hasPrefix("@") || email.hasSuffix("@")
                || email.contains(where: \.isWhitespace)
            {
                problems.add("email", "must be an email address")
            }
        }
        if !TimeZoneName.isValid(timezone) {
            problems.add("timezone", "must be an IANA time zone such as Europe/Amsterdam")
        }
        try problems.throwIfAny()
    }
}

public enum Role: String, Sendable, CaseIterable, Codable {
    case admin, manager, member
}
