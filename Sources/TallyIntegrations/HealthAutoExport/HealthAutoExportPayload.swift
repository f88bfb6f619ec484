import Foundation

/// What the Health Auto Export app POSTs: `{"data": {"workouts": [...], "metrics": [...]}}`, in
/// export format v1 (workouts without `id`) or v2. Only the fields a time tracker needs are
/// declared; heart-rate data, routes and the rest are skipped.
public struct HealthAutoExportPayload: Decodable, Sendable {
    public var data: Content

    public struct Content: Decodable, Sendable {
        public var workouts: [Workout]?
        public var metrics: [Metric]?
    }

    public struct Workout: Decodable, Sendable {
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

    public struct Quantity: Decodable, Sendable {
        public var qty: Double
        public var units: String?
    }

    public struct Metric: Decodable, Sendable {
        public var name: String
        public var units: String?
        public var data: [Sample]?
    }

    public struct Sample: Decodable, Sendable {
        public var qty: Double?
        public var date: String?
        public var source: String?
    }

    /// Decodes a body; a description of what is wrong otherwise.
    public static func decode(_ data: Data) throws(HealthAutoExportError) -> HealthAutoExportPayload {
        do {
            return try JSONDecoder().decode(HealthAutoExportPayload.self, from: data)
        } catch let error as DecodingError {
            throw HealthAutoExportError.malformed(Self.describe(error))
        } catch {
            throw HealthAutoExportError.malformed("the body is not JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.isEmpty ? "the body" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not JSON" : "\(path(context)) is malformed"
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "\(at == "the body" ? "" : at + ".")\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        @unknown default:
            return "the body does not have the Health Auto Export shape"
        }
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
