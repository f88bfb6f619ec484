/// What a correct importer must find in the export: workouts per type and mindful sessions,
/// each with a count and the summed (endDate - startDate) seconds, totals per category under
/// the seed's mapping, and the top-level records besides. Records nested in a Correlation
/// repeat top-level ones and are not counted again.
///
/// Written as the Python tool this replaced wrote it (`json.dump(indent=2, sort_keys=True)`),
/// with the same keys: `by_seed_category`, `mindful`, `offset`, `quirks`, `records_top_level`,
/// `workout_count`, `workouts`, `xml_name`.
struct Manifest {
    struct Total {
        var count = 0
        var seconds = 0

        mutating func add(seconds: Int) {
            count += 1
            self.seconds += seconds
        }

        var json: JSON { .object(["count": .integer(count), "seconds": .integer(seconds)]) }
    }

    var workouts: [String: Total] = [:]
    var mindful = Total()
    /// Records outside Correlations other than mindful sessions (quantities, categories, HRV, blood pressure).
    var recordsTopLevel = 0

    var workoutCount: Int { workouts.values.reduce(0) { $0 + $1.count } }

    /// Workouts and mindful sessions per seed category; `Yoga` is always there, as mindful
    /// sessions map to it.
    var bySeedCategory: [String: Total] {
        var totals: [String: Total] = [:]
        for (type, total) in workouts.map({ ($0.key, $0.value) }) + [(ExportContent.mindful, mindful)] {
            let category = ExportContent.seedCategory[type] ?? "unmapped"
            totals[category, default: Total()].count += total.count
            totals[category, default: Total()].seconds += total.seconds
        }
        return totals
    }

    func json(offset: UTCOffset, quirks: Set<Quirk>, xmlName: String) -> JSON {
        .object([
            "workouts": .object(workouts.mapValues(\.json)),
            "mindful": mindful.json,
            "records_top_level": .integer(recordsTopLevel),
            "by_seed_category": .object(bySeedCategory.mapValues(\.json)),
            "workout_count": .integer(workoutCount),
            "offset": .string(offset.text),
            "quirks": .array(quirks.sorted().map { .string($0.rawValue) }),
            "xml_name": .string(xmlName),
        ])
    }
}

/// Just enough JSON for the manifest, printed the way Python's `json.dump(indent=2,
/// sort_keys=True)` prints it: keys in code point order, non-ASCII as `\uXXXX`, no final newline.
indirect enum JSON {
    case integer(Int)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    func text(indent: Int = 0) -> String {
        let inner = String(repeating: " ", count: indent + 2)
        let outer = String(repeating: " ", count: indent)
        switch self {
        case .integer(let value):
            return String(value)
        case .string(let value):
            return Self.quoted(value)
        case .array(let values):
            guard !values.isEmpty else { return "[]" }
            return "[\n" + values.map { inner + $0.text(indent: indent + 2) }.joined(separator: ",\n") + "\n" + outer + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            return "{\n" + keys.map { inner + Self.quoted($0) + ": " + members[$0]!.text(indent: indent + 2) }.joined(separator: ",\n")
                + "\n" + outer + "}"
        }
    }

    private static func quoted(_ value: String) -> String {
        var result = "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x08: result += "\\b"
            case 0x0C: result += "\\f"
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return result + "\""
    }
}
