import Foundation

/// Clockify's JSON and time formats, written independently of the client under test.
enum FakeClockifyJSON {
    static func data(_ object: Any) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return Array(data)
    }

    static func error(_ message: String, code: Int) -> [UInt8] {
        data(["message": message, "code": code])
    }

    static func user(id: String, workspaceID: String, timeZone: String) -> [String: Any] {
        [
            "id": id, "email": "fake@example.com", "name": "Fake Clockify User", "activeWorkspace": workspaceID,
            "defaultWorkspace": workspaceID, "status": "ACTIVE", "memberships": [] as [Any],
            "settings": ["timeZone": timeZone, "weekStart": "MONDAY", "timeFormat": "HOUR24"] as [String: Any],
        ]
    }

    /// `hydrated` embeds the project and tag objects, as `?hydrated=true` and webhook bodies do.
    static func entry(
        _ entry: FakeClockify.TimeEntry, workspaceID: String, hydrated: Bool, projects: [FakeClockify.Project],
        tags: [FakeClockify.Tag]
    ) -> [String: Any] {
        var interval: [String: Any] = ["start": instant(entry.start), "end": NSNull(), "duration": NSNull()]
        if let end = entry.end {
            interval["end"] = instant(end)
            interval["duration"] = duration(seconds: Int(end.timeIntervalSince(entry.start).rounded()))
        }
        var object: [String: Any] = [
            "id": entry.id, "description": entry.description, "userId": entry.userID, "billable": entry.billable,
            "taskId": NSNull(), "projectId": nullable(entry.projectID), "workspaceId": workspaceID,
            // Clockify writes null, not [], for an entry without tags.
            "tagIds": nullable(entry.tagIDs.isEmpty ? nil : entry.tagIDs), "timeInterval": interval,
            "customFieldValues": [] as [Any], "type": "REGULAR", "kioskId": NSNull(), "isLocked": false,
        ]
        if hydrated {
            object["project"] = nullable(entry.projectID.flatMap { id in projects.first { $0.id == id } }.map { project(workspaceID: workspaceID, $0) })
            object["tags"] = entry.tagIDs.compactMap { id in tags.first { $0.id == id } }.map { tag(workspaceID: workspaceID, $0) }
        }
        return object
    }

    static func nullable(_ value: (some Any)?) -> Any {
        value.map { $0 as Any } ?? NSNull()
    }

    static func project(workspaceID: String, _ project: FakeClockify.Project) -> [String: Any] {
        [
            "id": project.id, "name": project.name, "archived": project.archived, "color": "#03A9F4",
            "clientName": project.clientName ?? "", "clientId": "", "workspaceId": workspaceID, "billable": true, "public": false,
        ]
    }

    static func tag(workspaceID: String, _ tag: FakeClockify.Tag) -> [String: Any] {
        ["id": tag.id, "name": tag.name, "archived": tag.archived, "workspaceId": workspaceID]
    }

    /// `2026-10-25T00:30:00Z`.
    static func instant(_ date: Date) -> String {
        wallClock(date, in: TimeZone(identifier: "UTC") ?? .current)
    }

    static func wallClock(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month))-\(pad(parts.day))T\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second))Z"
    }

    /// ISO 8601 as Clockify writes it: `PT2H54M`, `PT0S`, and days for a day or more (`P1DT2H`).
    static func duration(seconds total: Int) -> String {
        guard total > 0 else { return "PT0S" }
        let days = total / 86_400, hours = total / 3600 % 24, minutes = total / 60 % 60, seconds = total % 60
        var text = "P"
        if days > 0 { text += "\(days)D" }
        if hours > 0 || minutes > 0 || seconds > 0 {
            text += "T"
            if hours > 0 { text += "\(hours)H" }
            if minutes > 0 { text += "\(minutes)M" }
            if seconds > 0 { text += "\(seconds)S" }
        }
        return text
    }

    /// A body's instant (`2026-10-25T00:30:00Z`, fractions and offsets allowed).
    static func parseInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A `start`/`end` query value, read as Clockify reads it: the digits are a wall-clock time in
    /// the account's zone, whatever the suffix says.
    static func parseWallClock(_ text: String, in zone: TimeZone) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        let rest = String(decoding: bytes[19...], as: UTF8.self)
        guard rest.hasSuffix("Z") || rest.isEmpty else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }
}
