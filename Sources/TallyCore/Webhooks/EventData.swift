import Foundation

/// The `data` of events: each object exactly as API v1 returns it (absent optional fields are
/// left out, times are RFC 3339 UTC with milliseconds).
extension User {
    public var eventData: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "name": .string(name), "role": .string(role.rawValue), "timezone": .string(timezone),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt),
        ]
        object["email"] = email.map(JSONValue.string)
        return .object(object)
    }
}

extension DailyLog {
    public var eventData: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "user_id": .string(userID), "date": .string(date.description),
            "reviews": .integer(Int64(reviews)), "demos": .integer(Int64(demos)), "callbacks": .integer(Int64(callbacks)),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt),
        ]
        object["notes"] = notes.map(JSONValue.string)
        return .object(object)
    }
}

extension Appointment {
    public var eventData: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "user_id": .string(userID), "customer_name": .string(customerName),
            "appointment_date": .string(appointmentDate), "status": .string(status.rawValue),
            "metadata": .object(metadata), "created_at": .time(createdAt), "updated_at": .time(updatedAt),
        ]
        object["duration_minutes"] = durationMinutes.map { .integer(Int64($0)) }
        object["customer_email"] = customerEmail.map(JSONValue.string)
        object["customer_phone"] = customerPhone.map(JSONValue.string)
        object["address"] = address.map(JSONValue.string)
        object["notes"] = notes.map(JSONValue.string)
        return .object(object)
    }
}

extension JSONValue {
    public static func time(_ date: Date) -> JSONValue { .string(RFC3339.format(date)) }
}
