import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func createAppointment(_ appointment: Appointment) async throws {
        let arguments = try appointment.arguments()
        try await write { [self] db in
            try Self.requireUser(db, id: appointment.userID)
            try db.execute(
                sql: """
                    INSERT INTO appointments (id, user_id, customer_name, appointment_date, starts_at, status,
                        duration_minutes, customer_email, customer_phone, address, notes, metadata, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: arguments)
            try recordEvent(
                db, WebhookEvent(type: EventType.appointmentCreated, data: appointment.eventData, at: appointment.createdAt))
        }
    }

    public func appointment(id: String) async throws -> Appointment? {
        try await read { db in try Self.fetchAppointment(db, id: id) }
    }

    public func appointments(_ query: AppointmentQuery) async throws -> [Appointment] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let userID = query.userID {
                conditions.append("user_id = ?")
                arguments += [userID]
            }
            if let from = query.from {
                conditions.append("starts_at >= ?")
                arguments += [from]
            }
            if let before = query.before {
                conditions.append("starts_at < ?")
                arguments += [before]
            }
            if let status = query.status {
                conditions.append("status = ?")
                arguments += [status.rawValue]
            }
            if let updatedSince = query.updatedSince {
                conditions.append("updated_at >= ?")
                arguments += [updatedSince]
            }
            if let after = query.after {
                guard let milliseconds = Int64(after.sortKey) else { return [] }
                let start = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
                conditions.append("(starts_at > ? OR (starts_at = ? AND id > ?))")
                arguments += [start, start, after.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(
                db, sql: "SELECT * FROM appointments \(filter) ORDER BY starts_at, id LIMIT ?", arguments: arguments
            ).map(Appointment.init(row:))
        }
    }

    public func updateAppointment(id: String, _ change: @escaping @Sendable (inout Appointment) throws -> Void) async throws
        -> Appointment
    {
        try await write { [self] db in
            guard var appointment = try Self.fetchAppointment(db, id: id) else {
                throw TallyError.notFound(kind: "appointment", id: id)
            }
            try change(&appointment)
            var arguments = try appointment.arguments()
            arguments += [id]
            try db.execute(
                sql: """
                    UPDATE appointments SET id = ?, user_id = ?, customer_name = ?, appointment_date = ?, starts_at = ?,
                        status = ?, duration_minutes = ?, customer_email = ?, customer_phone = ?, address = ?, notes = ?,
                        metadata = ?, created_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: arguments)
            try recordEvent(
                db, WebhookEvent(type: EventType.appointmentUpdated, data: appointment.eventData, at: appointment.updatedAt))
            return appointment
        }
    }

    public func deleteAppointment(id: String, at now: Date) async throws -> Bool {
        try await write { [self] db in
            guard let appointment = try Self.fetchAppointment(db, id: id) else { return false }
            try db.execute(sql: "DELETE FROM appointments WHERE id = ?", arguments: [id])
            try recordEvent(db, WebhookEvent(type: EventType.appointmentDeleted, data: appointment.eventData, at: now))
            return true
        }
    }

    static func fetchAppointment(_ db: Database, id: String) throws -> Appointment? {
        try Row.fetchOne(db, sql: "SELECT * FROM appointments WHERE id = ?", arguments: [id])
            .map(Appointment.init(row:))
    }
}
