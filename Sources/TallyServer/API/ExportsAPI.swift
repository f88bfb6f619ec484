import Foundation
import OpenAPIRuntime
import TallyCore
import TallyStore

/// CSV exports for spreadsheets: time entries, daily logs and appointments of a range.
extension TallyAPI {
    func exportTimeEntries(_ input: Operations.ExportTimeEntries.Input) async throws -> Operations.ExportTimeEntries.Output {
        try Caller.require(.read)
        let query = input.query
        let userID = try Caller.privateScope(asked: query.userId, "time entries")
        let range = try await exportRange(from: query.from, to: query.to, userID: userID)
        let entries = try await store.timeEntries(
            TimeEntryQuery(userID: userID, from: range.from, before: range.before, limit: Int.max))
        var table = CSVTable(header: [
            "id", "user_id", "source", "external_id", "start", "stop", "duration_seconds", "timezone", "category",
            "category_manual", "project", "tags", "description",
        ])
        for entry in entries {
            table.append([
                .text(entry.id), .text(entry.userID), .text(entry.source.rawValue), .text(entry.externalID),
                .text(RFC3339.format(entry.start)), .text(entry.stop.map(RFC3339.format)), .number(entry.durationSeconds),
                .text(entry.timezone), .text(entry.category), .text(entry.categoryIsManual ? "true" : "false"),
                .text(entry.project), .text(entry.tags.joined(separator: "; ")), .text(entry.description),
            ])
        }
        return .ok(.init(body: .csv(HTTPBody(table.text))))
    }

    func exportDailyLogs(_ input: Operations.ExportDailyLogs.Input) async throws -> Operations.ExportDailyLogs.Output {
        try Caller.require(.read)
        let query = input.query
        guard let from = LocalDate(query.from), let to = LocalDate(query.to) else {
            throw APIError.badRequest("from and to must be days written YYYY-MM-DD")
        }
        let logs = try await store.dailyLogs(DailyLogQuery(userID: query.userId, from: from, to: to, limit: Int.max))
        var table = CSVTable(header: ["id", "user_id", "date", "reviews", "demos", "callbacks", "notes", "created_at", "updated_at"])
        for log in logs {
            table.append([
                .text(log.id), .text(log.userID), .text(log.date.description), .number(log.reviews), .number(log.demos),
                .number(log.callbacks), .text(log.notes), .text(RFC3339.format(log.createdAt)), .text(RFC3339.format(log.updatedAt)),
            ])
        }
        return .ok(.init(body: .csv(HTTPBody(table.text))))
    }

    func exportAppointments(_ input: Operations.ExportAppointments.Input) async throws -> Operations.ExportAppointments.Output {
        try Caller.require(.read)
        let query = input.query
        let userID = try Caller.privateScope(asked: query.userId, "appointments")
        let range = try await exportRange(from: query.from, to: query.to, userID: userID)
        let appointments = try await store.appointments(
            AppointmentQuery(userID: userID, from: range.from, before: range.before, limit: Int.max))
        var table = CSVTable(header: [
            "id", "user_id", "customer_name", "appointment_date", "status", "duration_minutes", "customer_email",
            "customer_phone", "address", "notes", "metadata",
        ])
        for appointment in appointments {
            let metadata = appointment.metadata.isEmpty
                ? nil : String(decoding: JSONValue.object(appointment.metadata).serialized(), as: UTF8.self)
            table.append([
                .text(appointment.id), .text(appointment.userID), .text(appointment.customerName),
                .text(appointment.appointmentDate), .text(appointment.status.rawValue), .number(appointment.durationMinutes),
                .text(appointment.customerEmail), .text(appointment.customerPhone), .text(appointment.address),
                .text(appointment.notes), .text(metadata),
            ])
        }
        return .ok(.init(body: .csv(HTTPBody(table.text))))
    }

    /// A day (in the user's timezone, else the server's) or an instant for each end, both included.
    func exportRange(from: String, to: String, userID: String?) async throws -> (from: Date, before: Date) {
        let zone = try await userID.asyncMap { try await timeZone(of: $0) } ?? TimeZone(identifier: configuration.defaultTimezone) ?? .gmt
        let start = try instant(from, field: "from", zone: zone).start
        let end = try instant(to, field: "to", zone: zone).endExclusive
        guard start < end else { throw APIError.badRequest("from must not be after to") }
        return (start, end)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
