import Foundation
import TallyCore

/// Health Auto Export payloads as time entries. Workouts are keyed on their `id` (v2) or on
/// name, start and end (v1); `mindful_minutes` samples on name, date and source, booked from
/// their date for `qty` minutes. Other metrics are not time and are left out.
extension HealthAutoExportPayload {
    public struct Entries: Sendable {
        public var entries: [TimeEntry] = []
        public var workouts = 0
        public var mindfulSamples = 0
        public var ignoredMetrics: [String] = []
    }

    public func timeEntries(userID: String, rules: CategoryRules = .defaults, at now: Date) throws(HealthAutoExportError)
        -> Entries
    {
        var result = Entries()
        for (index, workout) in (data.workouts ?? []).enumerated() {
            let start = try Self.instant(workout.start, field: "data.workouts[\(index)].start")
            let end = try Self.instant(workout.end, field: "data.workouts[\(index)].end")
            let key = workout.id.map { "workout|\($0)" } ?? "workout|\(workout.name)|\(start.secondsSince1970)|\(end.secondsSince1970)"
            // The app's own name ("Outdoor Run") is the description; the activity it stands for
            // is what the category rules look up.
            var details: [String: JSONValue] = ["activity": .string(Self.activityName(workout.name))]
            if let distance = workout.distance { details["distance"] = distance.json }
            if let energy = workout.activeEnergyBurned ?? workout.activeEnergy { details["energy"] = energy.json }
            if let duration = workout.duration { details["moving_seconds"] = .number(duration) }
            result.entries.append(
                TimeEntry(
                    id: Identifier.make("te", at: now), userID: userID, source: .healthAutoExport, externalID: key,
                    description: workout.name, category: rules.category(forWorkout: Self.activityName(workout.name)),
                    start: start.date, stop: end.date, details: details, createdAt: now, updatedAt: now))
            result.workouts += 1
        }
        for metric in data.metrics ?? [] {
            guard metric.name == "mindful_minutes" else {
                result.ignoredMetrics.append(metric.name)
                continue
            }
            for (index, sample) in (metric.data ?? []).enumerated() {
                guard let qty = sample.qty, qty != 0, let dateText = sample.date else { continue }
                guard qty.isFinite, qty > 0, qty <= 1440 else {
                    throw .malformed("data.metrics.mindful_minutes.data[\(index)].qty must be minutes from 0 to 1440, not \(qty)")
                }
                let start = try Self.instant(dateText, field: "data.metrics.mindful_minutes.data[\(index)].date")
                let source = sample.source ?? "Health Auto Export"
                result.entries.append(
                    TimeEntry(
                        id: Identifier.make("te", at: now), userID: userID, source: .healthAutoExport,
                        externalID: "mindful_minutes|\(start.secondsSince1970)|\(source)",
                        description: Category.mindfulSessionName, tags: [source],
                        category: rules.category(forWorkout: Category.mindfulSessionName), start: start.date,
                        stop: start.date.addingTimeInterval((qty * 60).rounded()), createdAt: now, updatedAt: now))
                result.mindfulSamples += 1
            }
        }
        return result
    }

    /// The app writes "2024-02-06 07:00:00 -0800", the export's format.
    static func instant(_ text: String, field: String) throws(HealthAutoExportError) -> HealthTimestamp {
        guard let timestamp = HealthTimestamp(text) else {
            throw .badDate("\(field) is '\(text)', not a date like 2024-02-06 07:00:00 -0800")
        }
        return timestamp
    }

    /// The app names workouts as the Fitness app does ("Outdoor Run"); the seed's table uses
    /// HealthKit's activity names ("Running").
    static func activityName(_ name: String) -> String {
        switch name {
        case "Outdoor Run", "Indoor Run", "Run": "Running"
        case "Outdoor Walk", "Indoor Walk", "Walk": "Walking"
        case "Outdoor Cycle", "Indoor Cycle", "Cycle", "Cycling": "Cycling"
        case "Pool Swim", "Open Water Swim", "Swim", "Swimming": "Swimming"
        case "Hike": "Hiking"
        default: name
        }
    }
}

extension HealthAutoExportPayload.Quantity {
    var json: JSONValue {
        var object: [String: JSONValue] = ["value": .number(qty)]
        object["unit"] = units.map(JSONValue.string)
        return .object(object)
    }
}
