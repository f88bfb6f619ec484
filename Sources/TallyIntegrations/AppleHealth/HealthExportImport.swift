import Foundation
import Synchronization
import TallyCore
import TallyStore

/// Imports an Apple Health export as time entries: every workout and every mindful session, in
/// the category the rules give (by default the seed's workout table, and Yoga for mindfulness).
/// The export is read first, on a thread of its own, and its entries then written in one short
/// transaction: a damaged export leaves the database as it was, and other writes go on while a
/// large export is read (reading it inside the transaction held the writer for the whole read).
/// A second import of the same or an overlapping export adds only what is new.
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
        let (entries, found) = try await read(at: now, progress: progress)
        let counts = try await store.importTimeEntries { add in
            for entry in entries { try add(entry) }
        }
        var summary = found
        summary.added = counts.added
        summary.alreadyPresent = counts.alreadyPresent
        return summary
    }
}

extension HealthExportImport {
    /// The export's entries and what was found, read on a dispatch thread: the read blocks for
    /// as long as the file takes, which must not be a Swift concurrency (or event-loop) thread.
    func read(at now: Date, progress: @escaping @Sendable (HealthExportProgress) -> Void) async throws
        -> ([TimeEntry], Summary)
    {
        let path = self.path
        let userID = self.userID
        let rules = self.rules
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result {
                    let reader = try HealthExportReader(path: path)
                    var summary = Summary()
                    var entries: [TimeEntry] = []
                    _ = try reader.read(progress: progress) { record in
                        let entry = record.timeEntry(userID: userID, rules: rules, at: now)
                        switch record {
                        case .workout(let workout): summary.workouts[workout.activityName, default: 0] += 1
                        case .mindfulSession: summary.mindfulSessions += 1
                        }
                        if entry.stop.map({ $0 < entry.start }) == true {
                            summary.skipped["ends before it starts", default: 0] += 1
                        } else {
                            entries.append(entry)
                        }
                    }
                    return (entries, summary)
                })
            }
        }
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
