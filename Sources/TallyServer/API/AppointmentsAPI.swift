import Foundation
import OpenAPIRuntime
import TallyCore
import TallyStore

extension TallyAPI {
    func listAppointments(_ input: Operations.ListAppointments.Input) async throws
        -> Operations.ListAppointments.Output
    {
        try Caller.require(.read)
        let query = input.query
        let limit = try pageSize(query.limit)
        let userID = try Caller.privateScope(asked: query.userId, "appointments")
        // Dates in the filters are days in the filtered user's timezone, else the server's default.
        let zone =
            try await userID.asyncMap { try await timeZone(of: $0) } ?? TimeZone(identifier: configuration.defaultTimezone) ?? .gmt
        var from: Date?
        var before: Date?
        // The range is optional here; `from=` with nothing after it is no bound, as a missing one.
        if let text = query.from, !text.isEmpty {
            from = try instant(text, field: "from", zone: zone).start
        }
        if let text = query.to, !text.isEmpty {
            before = try instant(text, field: "to", zone: zone).endExclusive
        }
        var appointments = try await store.appointments(
            AppointmentQuery(
                userID: userID, from: from, before: before, status: query.status.map(AppointmentStatus.init),
                updatedSince: query.updatedSince, after: try PageCursor.decode(query.cursor), limit: limit + 1))
        let next = PageCursor.next(&appointments, pageSize: limit) {
            PageAfter(sortKey: Self.sortKey($0.startsAt), id: $0.id)
        }
        return .ok(.init(body: .json(.init(appointments: try appointments.map { try $0.wire() }, nextCursor: next))))
    }

    func createAppointment(_ input: Operations.CreateAppointment.Input) async throws
        -> Operations.CreateAppointment.Output
    {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        try Caller.requireChange(of: body.userId, "appointments")
        let zone = try await timeZone(of: body.userId)
        let startsAt = try instant(body.appointmentDate, field: "appointment_date", zone: zone).start
        let created = now
        let metadata = Appointment.metadata(fromUnknownFields: try JSONBridge.values(body.additionalProperties))
        let appointment = Appointment(
            id: Identifier.make("apt", at: created), userID: body.userId, customerName: body.customerName,
            appointmentDate: body.appointmentDate, startsAt: startsAt,
            status: body.status.map(AppointmentStatus.init) ?? .scheduled, durationMinutes: body.durationMinutes,
            customerEmail: body.customerEmail, customerPhone: body.customerPhone, address: body.address,
            notes: body.notes, metadata: metadata, createdAt: created, updatedAt: created)
        try appointment.validate()
        try await store.createAppointment(appointment)
        return .created(
            .init(headers: .init(location: "/v1/appointments/\(appointment.id)"), body: .json(try appointment.wire())))
    }

    func getAppointment(_ input: Operations.GetAppointment.Input) async throws -> Operations.GetAppointment.Output {
        try Caller.require(.read)
        guard let appointment = try await store.appointment(id: input.path.id) else {
            throw TallyError.notFound(kind: "appointment", id: input.path.id)
        }
        try Caller.requirePrivateRead(of: appointment.userID, kind: "appointment", id: appointment.id)
        return .ok(.init(body: .json(try appointment.wire())))
    }

    func updateAppointment(_ input: Operations.UpdateAppointment.Input) async throws
        -> Operations.UpdateAppointment.Output
    {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let nulls = ExplicitNulls.keys()
        let metadataPatch = try body.metadata.map { try JSONBridge.values($0.additionalProperties) }
        let newStart: (text: String, instant: Date)?
        if let text = body.appointmentDate {
            guard let existing = try await store.appointment(id: input.path.id) else {
                throw TallyError.notFound(kind: "appointment", id: input.path.id)
            }
            try Caller.requirePrivateRead(of: existing.userID, kind: "appointment", id: existing.id)
            newStart = (text, try instant(text, field: "appointment_date", zone: try await timeZone(of: existing.userID)).start)
        } else {
            newStart = nil
        }
        let instant = now
        let mayChange = Caller.ownerCheck("appointment", id: input.path.id, isPrivate: true)
        let appointment = try await store.updateAppointment(id: input.path.id) { appointment in
            try mayChange(appointment.userID)
            if let name = body.customerName { appointment.customerName = name }
            if let newStart {
                appointment.appointmentDate = newStart.text
                appointment.startsAt = newStart.instant
            }
            if let status = body.status { appointment.status = AppointmentStatus(status) }
            func apply<Value>(_ value: Value?, _ key: String, _ field: WritableKeyPath<Appointment, Value?>) {
                if let value { appointment[keyPath: field] = value } else if nulls.contains(key) {
                    appointment[keyPath: field] = nil
                }
            }
            apply(body.durationMinutes, "duration_minutes", \.durationMinutes)
            apply(body.customerEmail, "customer_email", \.customerEmail)
            apply(body.customerPhone, "customer_phone", \.customerPhone)
            apply(body.address, "address", \.address)
            apply(body.notes, "notes", \.notes)
            if let metadataPatch { appointment.metadata = JSONValue.mergePatch(appointment.metadata, with: metadataPatch) }
            appointment.updatedAt = instant
            try appointment.validate()
        }
        return .ok(.init(body: .json(try appointment.wire())))
    }

    func deleteAppointment(_ input: Operations.DeleteAppointment.Input) async throws
        -> Operations.DeleteAppointment.Output
    {
        try Caller.require(.write)
        if let appointment = try await store.appointment(id: input.path.id) {
            try Caller.requirePrivateRead(of: appointment.userID, kind: "appointment", id: appointment.id)
        }
        guard try await store.deleteAppointment(id: input.path.id, at: now) else {
            throw TallyError.notFound(kind: "appointment", id: input.path.id)
        }
        return .noContent(.init())
    }

    /// Reads an RFC 3339 date-time, or a date meaning that whole day in `zone`.
    func instant(_ text: String, field: String, zone: TimeZone) throws(APIError) -> (start: Date, endExclusive: Date) {
        if let date = RFC3339.parse(text) { return (date, date.addingTimeInterval(0.001)) }
        if let day = LocalDate(text), RFC3339.isStorable(day.start(in: zone)) {
            let start = day.start(in: zone)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return (start, calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400))
        }
        throw APIError.validation([
            FieldError(
                field: field,
                "must be an RFC 3339 date-time such as 2026-11-23T14:00:00+01:00, or a date YYYY-MM-DD, in the years 0001 to 9999")
        ])
    }

    /// The cursor sort value: milliseconds since 1970, as the store compares them.
    static func sortKey(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}

extension Appointment {
    func wire() throws -> Components.Schemas.Appointment {
        .init(
            id: id, userId: userID, customerName: customerName, appointmentDate: appointmentDate,
            status: .init(status), durationMinutes: durationMinutes, customerEmail: customerEmail,
            customerPhone: customerPhone, address: address, notes: notes,
            metadata: .init(additionalProperties: try JSONBridge.container(metadata)), createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension AppointmentStatus {
    init(_ wire: Components.Schemas.AppointmentStatus) {
        switch wire {
        case .scheduled: self = .scheduled
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        case .noShow: self = .noShow
        }
    }
}

extension Components.Schemas.AppointmentStatus {
    init(_ status: AppointmentStatus) {
        switch status {
        case .scheduled: self = .scheduled
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        case .noShow: self = .noShow
        }
    }
}

/// Moves free-form JSON between the generated container type and the domain's `JSONValue`.
enum JSONBridge {
    static func values(_ container: OpenAPIObjectContainer) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(container))
    }

    static func container(_ values: [String: JSONValue]) throws -> OpenAPIObjectContainer {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: JSONEncoder().encode(values))
    }
}
