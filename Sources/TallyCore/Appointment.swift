import Foundation

/// A booked customer appointment.
public struct Appointment: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var customerName: String
    /// The appointment date exactly as the client sent it: an RFC 3339 date-time or a date.
    public var appointmentDate: String
    /// The instant `appointmentDate` names (a bare date means its start in the user's timezone);
    /// what lists sort and filter by.
    public var startsAt: Date
    public var status: AppointmentStatus
    public var durationMinutes: Int?
    public var customerEmail: String?
    public var customerPhone: String?
    public var address: String?
    public var notes: String?
    /// Any other top-level fields the client sent, kept as they were.
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, userID: String, customerName: String, appointmentDate: String, startsAt: Date,
        status: AppointmentStatus = .scheduled, durationMinutes: Int? = nil, customerEmail: String? = nil,
        customerPhone: String? = nil, address: String? = nil, notes: String? = nil,
        metadata: [String: JSONValue] = [:], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.customerName = customerName
        self.appointmentDate = appointmentDate
        self.startsAt = startsAt
        self.status = status
        self.durationMinutes = durationMinutes
        self.customerEmail = customerEmail
        self.customerPhone = customerPhone
        self.address = address
        self.notes = notes
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The fields a client sets; everything else it sends is kept in `metadata`.
    public static let knownFields: Set<String> = [
        "user_id", "customer_name", "appointment_date", "status", "duration_minutes", "customer_email",
        "customer_phone", "address", "notes",
    ]

    /// The metadata a booking request carries: its unknown top-level fields, with the contents
    /// of a `metadata` object it sent merged in (so nothing a client sends is lost).
    public static func metadata(fromUnknownFields fields: [String: JSONValue]) -> [String: JSONValue] {
        var metadata = fields.filter { !knownFields.contains($0.key) }
        if case .object(let sent) = metadata["metadata"] {
            metadata.removeValue(forKey: "metadata")
            metadata.merge(sent) { _, sentValue in sentValue }
        }
        return metadata
    }

    /// Fields Tally does not know, kept as written; at most this many.
    public static let maximumMetadataFields = 100

    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        problems.checkText("customer_name", customerName, maxLength: 200)
        if let durationMinutes, durationMinutes < 1 || durationMinutes > 7 * 24 * 60 {
            problems.add("duration_minutes", "must be a whole number of minutes from 1 to 10080")
        }
        if let customerEmail, customerEmail.count > 254 || !customerEmail.contains("@") {
            problems.add("customer_email", "must be an email address")
        }
        if let customerPhone { problems.checkText("customer_phone", customerPhone, maxLength: 50) }
        if let address { problems.checkText("address", address, maxLength: 500) }
        if let notes { problems.checkText("notes", notes, maxLength: 10_000, allowEmpty: true) }
        problems.checkInstant("appointment_date", startsAt)
        if metadata.count > Self.maximumMetadataFields {
            problems.add("metadata", "must have at most \(Self.maximumMetadataFields) fields")
        }
        for key in metadata.keys where key.count > 100 || key.utf8.contains(0) {
            problems.add("metadata", "field names must be at most 100 characters, without NUL")
            break
        }
        try problems.throwIfAny()
    }
}

public enum AppointmentStatus: String, Sendable, CaseIterable, Codable {
    case scheduled, completed, cancelled
    case noShow = "no_show"
}
