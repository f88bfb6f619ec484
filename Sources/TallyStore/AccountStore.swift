import Foundation
import TallyCore

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy
/// of the database cannot be used to sign in.
public struct DashboardSession: Sendable, Equatable {
    public var idHash: String
    public var userID: String
    /// Sent back with every form and script request that changes something.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(idHash: String, userID: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A goal met in one period, recorded once: the first time is the one that sends `goal.achieved`.
public struct GoalAchievement: Sendable, Equatable {
    public var userID: String
    /// `reviews`, `demos`, `callbacks`, `daily` (all daily targets) or `category:<name>`.
    public var goal: String
    /// The day (`2026-11-20`) or ISO week (`2026-W47`).
    public var period: String
    public var data: JSONValue

    public init(userID: String, goal: String, period: String, data: JSONValue) {
        self.userID = userID
        self.goal = goal
        self.period = period
        self.data = data
    }
}

/// Sign-in for the dashboard: passwords (bcrypt hashes made by the caller), sessions, and the
/// goal achievements already announced.
public protocol AccountStore {
    /// Sets or clears a user's password hash; signs the user out everywhere. False when no such user.
    func setPasswordHash(userID: String, _ hash: String?) async throws -> Bool
    /// The user whose id or email (case-insensitive) is `login`, with the password hash if set.
    func signInCandidate(login: String) async throws -> (user: User, passwordHash: String?)?
    /// Creates the first user, an admin with a password, only while there are no users at all;
    /// false when someone got there first.
    func createFirstAdmin(_ user: User, passwordHash: String) async throws -> Bool
    func countUsers() async throws -> Int

    func createSession(_ session: DashboardSession) async throws
    /// The live session with this hash and its user; nil when unknown or expired.
    func session(idHash: String, at now: Date) async throws -> (session: DashboardSession, user: User)?
    func deleteSession(idHash: String) async throws
    func purgeSessions(before cutoff: Date) async throws

    /// Records the achievements not recorded before, each with its `goal.achieved` event, in one
    /// transaction; returns those that were new.
    func recordGoalAchievements(_ achievements: [GoalAchievement], at now: Date) async throws -> [GoalAchievement]
}
