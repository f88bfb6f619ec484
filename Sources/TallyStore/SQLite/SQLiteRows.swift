import Foundation
import GRDB
import TallyCore

// Row mapping by hand: explicit column lists read by position (GRDB's lookup by name compares
// lowercased names, which showed up in profiles), dates through a purpose-built parser.

extension Row {
    /// A DATETIME column as GRDB writes it (`2026-11-23 13:00:00.000`, UTC).
    func instant(_ index: Int) throws -> Date {
        try Self.instant(self[index] as DatabaseValue)
    }

    func optionalInstant(_ index: Int) throws -> Date? {
        self.hasNull(atIndex: index) ? nil : try instant(index)
    }

    /// By name, for the rows read with `SELECT *`.
    func instant(_ column: String) throws -> Date {
        try Self.instant(self[column] as DatabaseValue)
    }

    /// A bad value is an error for the request that reads it, never a crash of the process.
    static func instant(_ value: DatabaseValue) throws -> Date {
        // GRDB writes dates with Foundation's calendar, Julian before 15 October 1582, and reads
        // them back the same way; the fast parser is proleptic Gregorian, right from 1583 on.
        if case .string(let text) = value.storage, text.utf8.count >= 4, text.prefix(4) >= "1583",
            let date = RFC3339.parseAssumingUTC(text)
        {
            return date
        }
        guard let date = Date.fromDatabaseValue(value) else {
            throw DatabaseError(message: "\(value) is not a date and time")
        }
        return date
    }
}

extension User {
    init(row: Row) throws {
        self.init(
            id: row["id"], name: row["name"], email: row["email"], role: Role(rawValue: row["role"]) ?? .member,
            timezone: row["timezone"], createdAt: try row.instant("created_at"), updatedAt: try row.instant("updated_at"))
    }

    var arguments: StatementArguments {
        [id, name, email, role.rawValue, timezone, createdAt, updatedAt]
    }
}

extension DailyLog {
    static let columns = "id, user_id, date, reviews, demos, callbacks, notes, created_at, updated_at"

    init(row: Row) throws {
        let dateText: String = row[2]
        guard let date = LocalDate(dateText) else {
            throw DatabaseError(message: "daily_logs.date holds '\(dateText)', which is not a date")
        }
        self.init(
            id: row[0], userID: row[1], date: date, reviews: row[3], demos: row[4], callbacks: row[5], notes: row[6],
            createdAt: try row.instant(7), updatedAt: try row.instant(8))
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
            appointmentDate: row["appointment_date"], startsAt: try row.instant("starts_at"),
            status: AppointmentStatus(rawValue: row["status"]) ?? .scheduled, durationMinutes: row["duration_minutes"],
            customerEmail: row["customer_email"], customerPhone: row["customer_phone"], address: row["address"],
            notes: row["notes"], metadata: metadata, createdAt: try row.instant("created_at"),
            updatedAt: try row.instant("updated_at"))
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
    static let columns =
        "id, name, prefix, lookup, secret_hash, scopes, user_id, created_at, last_used_at, expires_at, revoked_at"

    init(row: Row) throws {
        let scopesText: String = row[5]
        let secretHash: Data = row[4]
        self.init(
            id: row[0], name: row[1], prefix: row[2], lookup: row[3], secretHash: Array(secretHash),
            scopes: Scope.parseList(scopesText) ?? [], userID: row[6], createdAt: try row.instant(7),
            lastUsedAt: try row.optionalInstant(8), expiresAt: try row.optionalInstant(9),
            revokedAt: try row.optionalInstant(10))
    }

    var arguments: StatementArguments {
        [
            id, name, prefix, lookup, Data(secretHash), scopes.map(\.rawValue).joined(separator: ","), userID,
            createdAt, lastUsedAt, expiresAt, revokedAt,
        ]
    }
}
