import Foundation
import Synchronization
import TallyCore
import TallyStore

/// Imports an Apple Health export as time entries: every workout and every mindful session, in
/// the category the rules give (by default the seed's workout table, and Yoga for mindfulness). All in one transaction: a damaged export leaves the
/// database as it was. A second import of the same or an overlapping export adds only what is new.
public struct HealthExportImport: Sendable {
    public let path: String
    public let userID: String
    public let rules: CategoryRules

    public init(path: String, userID: String, rules: CategoryRules = .defaults) {
        self.path = path
        self.userID = userID
        self.rules = rules
    }

    public struct Summary: Sendable, Equatable {
        /// Workouts found, by activity name.
        public var workouts: [String: Int] = [:]
        public var mindfulSessions = 0
        public var added = 0
        public var alreadyPresent = 0
        /// Records not imported, by reason.
        public var skipped: [String: Int] = [:]
    }

    public func run(
        into store: any TallyStore, at now: Date = Date(),
        progress: @escaping @Sendable (HealthExportProgress) -> Void = { _ in }
    ) async throws -> Summary {
        let reader = try HealthExportReader(path: path)
        let userID = self.userID
        let rules = self.rules
        let found = Mutex(Summary())
        let counts = try await store.importTimeEntries { add in
            _ = try reader.read(progress: progress) { record in
                let entry = record.timeEntry(userID: userID, rules: rules, at: now)
                let skipReason: String? = entry.stop.map { $0 < entry.start } == true ? "ends before it starts" : nil
                found.withLock { summary in
                    switch record {
                    case .workout(let workout): summary.workouts[workout.activityName, default: 0] += 1
                    case .mindfulSession: summary.mindfulSessions += 1
                    }
                    if let skipReason { summary.skipped[skipReason, default: 0] += 1 }
                }
                if skipReason == nil { try add(entry) }
            }
        }
        var summary = found.withLock { $0 }
        summary.added = counts.added
        summary.alreadyPresent = counts.alreadyPresent
        return summary
    }
}

extension HealthRecord {
    /// The record as a time entry. Exports carry no ids, so the external id is the natural key
    /// (kind, type, source, start, end).
    public func timeEntry(userID: String, rules: CategoryRules = .defaults, at now: Date) -> TimeEntry {
        switch self {
        case .workout(let workout):
            var details: [String: JSONValue] = ["activity_type": .string(workout.activityType)]
            if let distance = workout.totalDistance { details["distance"] = distance.json }
            if let energy = workout.totalEnergyBurned { details["energy"] = energy.json }
            if let moving = workout.durationSeconds { details["moving_seconds"] = .number(moving) }
            return TimeEntry(
                id: Identifier.make("te", at: now), userID: userID, source: .appleHealth,
                externalID: "workout|\(workout.activityType)|\(workout.sourceName)|\(workout.start.secondsSince1970)|\(workout.end.secondsSince1970)",
                description: workout.activityName, tags: [workout.sourceName],
                category: rules.category(forWorkout: workout.activityName), start: workout.start.date,
                stop: workout.end.date, timezone: workout.timeZone, details: details, createdAt: now, updatedAt: now)
        case .mindfulSession(let session):
            return TimeEntry(
                id: Identifier.make("te", at: now), userID: userID, source: .appleHealth,
                externalID: "mindful|HKCategoryTypeIdentifierMindfulSession|\(session.sourceName)|\(session.start.secondsSince1970)|\(session.end.secondsSince1970)",
                description: Category.mindfulSessionName, tags: [session.sourceName],
                category: rules.category(forWorkout: Category.mindfulSessionName),
                start: session.start.date, stop: session.end.date, createdAt: now, updatedAt: now)
        }
    }
}

extension HealthQuantity {
    var json: JSONValue { .object(["value": .number(value), "unit": .string(unit)]) }
}
