/// What a time tracker takes from an Apple Health export.
public enum HealthRecord: Sendable, Hashable {
    case workout(HealthWorkout)
    case mindfulSession(HealthMindfulSession)
}

/// One `<Workout>`. Exports carry no record ids: (activityType, sourceName, start, end) is the
/// natural key for an idempotent re-import.
public struct HealthWorkout: Sendable, Hashable {
    /// As written in the export, e.g. `HKWorkoutActivityTypeRunning`; unknown types are kept as is.
    public var activityType: String
    /// For people, e.g. "Traditional Strength Training".
    public var activityName: String
    public var sourceName: String
    public var start: HealthTimestamp
    public var end: HealthTimestamp
    /// Time moving, excluding pauses; `end - start` includes them.
    public var duration: HealthQuantity?
    /// From the `totalDistance` attribute, or else the workout's distance statistics.
    public var totalDistance: HealthQuantity?
    /// From the `totalEnergyBurned` attribute, or else the active-energy statistics.
    public var totalEnergyBurned: HealthQuantity?
    /// The `HKTimeZone` metadata, e.g. "Europe/Amsterdam": the zone the workout happened in,
    /// which the printed offsets (the phone's at export time) do not tell.
    public var timeZone: String?

    public init(
        activityType: String, activityName: String, sourceName: String,
        start: HealthTimestamp, end: HealthTimestamp, duration: HealthQuantity? = nil,
        totalDistance: HealthQuantity? = nil, totalEnergyBurned: HealthQuantity? = nil, timeZone: String? = nil
    ) {
        self.activityType = activityType
        self.activityName = activityName
        self.sourceName = sourceName
        self.start = start
        self.end = end
        self.duration = duration
        self.totalDistance = totalDistance
        self.totalEnergyBurned = totalEnergyBurned
        self.timeZone = timeZone
    }

    /// Wall-clock length, pauses included: what a time tracker books.
    public var elapsedSeconds: Int64 { end.secondsSince1970 - start.secondsSince1970 }

    /// `duration` in seconds, when its unit is one HealthKit writes for time.
    public var durationSeconds: Double? {
        guard let duration else { return nil }
        let secondsPerUnit: Double? = switch duration.unit {
        case "ms": 0.001
        case "s": 1
        case "min": 60
        case "hr": 3600
        case "d": 86400
        default: nil
        }
        return secondsPerUnit.map { duration.value * $0 }
    }
}

/// One `<Record type="HKCategoryTypeIdentifierMindfulSession">`.
public struct HealthMindfulSession: Sendable, Hashable {
    public var sourceName: String
    public var start: HealthTimestamp
    public var end: HealthTimestamp

    public init(sourceName: String, start: HealthTimestamp, end: HealthTimestamp) {
        self.sourceName = sourceName
        self.start = start
        self.end = end
    }

    public var elapsedSeconds: Int64 { end.secondsSince1970 - start.secondsSince1970 }
}

/// A number with the HealthKit unit it was written in ("km", "mi", "Cal", "kJ", "min"...).
public struct HealthQuantity: Sendable, Hashable {
    public var value: Double
    public var unit: String

    public init(value: Double, unit: String) {
        self.value = value
        self.unit = unit
    }
}
