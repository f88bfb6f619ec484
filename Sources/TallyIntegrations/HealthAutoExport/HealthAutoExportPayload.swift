import Foundation

/// What the Health Auto Export app POSTs: `{"data": {"workouts": [...], "metrics": [...]}}`, in
/// export format v1 (workouts without `id`) or v2. Only the fields a time tracker needs are
/// declared; heart-rate data, routes and the rest are skipped (see HealthAutoExportReader).
public struct HealthAutoExportPayload: Sendable {
    public var data: Content

    public struct Content: Sendable {
        public var workouts: [Workout]?
        public var metrics: [Metric]?
    }

    public struct Workout: Sendable {
        /// v2 only: the workout's HealthKit UUID.
        public var id: String?
        public var name: String
        public var start: String
        public var end: String
        public var duration: Double?
        public var distance: Quantity?
        public var activeEnergyBurned: Quantity?
        public var activeEnergy: Quantity?
    }

    public struct Quantity: Sendable {
        public var qty: Double
        public var units: String?
    }

    public struct Metric: Sendable {
        public var name: String
        public var units: String?
        public var data: [Sample]?
    }

    public struct Sample: Sendable {
        public var qty: Double?
        public var date: String?
        public var source: String?
    }
}

public enum HealthAutoExportError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case badDate(String)

    public var description: String {
        switch self {
        case .malformed(let detail): detail
        case .badDate(let detail): detail
        }
    }
}
