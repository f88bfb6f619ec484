import Foundation
import GRDB
import TallyCore

extension SQLiteStore: AccountStore {
    public func setPasswordHash(userID: String, _ hash: String?) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
            return true
        }
    }

    public func signInCandidate(login: String) async throws -> (user: User, passwordHash: String?)? {
        try await read { db in
            let row =
                try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [login])
                ?? Row.fetchOne(
                    db, sql: "SELECT * FROM users WHERE email IS NOT NULL AND lower(email) = lower(?) ORDER BY id LIMIT 1",
                    arguments: [login])
            guard let row else { return nil }
            return (try User(row: row), row["password_hash"])
        }
    }

    public func createFirstAdmin(_ user: User, passwordHash: String) async throws -> Bool {
        try await write { [self] db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM users") == 0 else { return false }
            try db.execute(
                sql: """
                    INSERT INTO users (id, name, email, role, timezone, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: user.arguments)
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [passwordHash, user.id])
            try recordEvent(db, WebhookEvent(type: EventType.userCreated, data: user.eventData, at: user.createdAt))
            return true
        }
    }

    public func countUsers() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }

    public func createSession(_ session: DashboardSession) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [session.idHash, session.userID, session.csrfToken, session.createdAt, session.expiresAt])
        }
    }

    public func session(idHash: String, at now: Date) async throws -> (session: DashboardSession, user: User)? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?"),
                    arguments: [idHash, now]),
                let user = try Self.fetchUser(db, id: row["user_id"])
            else { return nil }
            let session = DashboardSession(
                idHash: row["id_hash"], userID: row["user_id"], csrfToken: row["csrf_token"], createdAt: try row.instant("created_at"),
                expiresAt: try row.instant("expires_at"))
            return (session, user)
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [idHash]) }
    }

    public func purgeSessions(before cutoff: Date) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [cutoff]) }
    }

    public func recordGoalAchievements(_ achievements: [GoalAchievement], at now: Date) async throws -> [GoalAchievement] {
        guard !achievements.isEmpty else { return [] }
        return try await write { [self] db in
            var recorded: [GoalAchievement] = []
            for achievement in achievements {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO goal_achievements (user_id, goal, period, achieved_at) VALUES (?, ?, ?, ?)",
                    arguments: [achievement.userID, achievement.goal, achievement.period, now])
                guard db.changesCount > 0 else { continue }
                try recordEvent(db, WebhookEvent(type: EventType.goalAchieved, data: achievement.data, at: now))
                recorded.append(achievement)
            }
            return recorded
        }
    }
}
