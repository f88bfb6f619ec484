import Foundation
import GRDB
import TallyCore

// Row mapping by hand: explicit columns, no reflection on the hot paths.

extension User {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], email: row["email"], role: Role(rawValue: row["role"]) ?? .member,
            timezone: row["timezone"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    var arguments: StatementArguments {
        [id, name, email, role.rawValue, timezone, createdAt, updatedAt]
    }
}

extension DailyLog {
    init(row: Row) throws {
        let dateText: String = row["date"]
        guard let date = LocalDate(dateText) else {
            throw DatabaseError(message: "daily_logs.date holds '\(dateText)', which is not a date")
        }
        self.init(
            id: row["id"], userID: row["user_id"], date: date, reviews: row["reviews"], demos: row["demos"],
            callbacks: row["callbacks"], notes: row["notes"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    var arguments: StatementArguments {
        [id, userID, date.description, reviews, demos, callbacks, notes, createdAt, updatedAt]
    }
}

extension Appointment {
    init(row: Row) throws {
        let metadataText: String = row["metadata"]
        let metadata = try JSONDecoder().decode([String: JSONValue].self, from: Data(metadataText.utf8))
        self.init(
            id: row["id"], userID: row["user_id"], customerName: row["customer_name"],
            appointmentDate: row["appointment_date"], startsAt: row["starts_at"],
            status: AppointmentStatus(rawValue: row["status"]) ?? .scheduled, durationMinutes: row["duration_minutes"],
            customerEmail: row["customer_email"], customerPhone: row["customer_phone"], address: row["address"],
            notes: row["notes"], metadata: metadata, createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    func arguments() throws -> StatementArguments {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadataText = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        return [
            id, userID, customerName, appointmentDate, startsAt, status.rawValue, durationMinutes, customerEmail,
            customerPhone, address, notes, metadataText, createdAt, updatedAt,
        ]
    }
}

extension APIKey {
    init(row: Row) {
        let scopesText: String = row["scopes"]
        let secretHash: Data = row["secret_hash"]
        self.init(
            id: row["id"], name: row["name"], prefix: row["prefix"], lookup: row["lookup"],
            secretHash: Array(secretHash), scopes: Scope.parseList(scopesText) ?? [], userID: row["user_id"],
            createdAt: row["created_at"], lastUsedAt: row["last_used_at"], expiresAt: row["expires_at"],
            revokedAt: row["revoked_at"])
    }

    var arguments: StatementArguments {
        [
            id, name, prefix, lookup, Data(secretHash), scopes.map(\.rawValue).joined(separator: ","), userID,
            createdAt, lastUsedAt, expiresAt, revokedAt,
        ]
    }
}
