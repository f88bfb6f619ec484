import Foundation
import TallyTestSupport
import Testing
@testable import TallyIntegrations

/// Generated exports and what the generator says a correct reader finds in them.
enum HealthExportFixtures {
    /// The package's `gen-health-export` (Sources/gen-health-export), built beside the test
    /// bundle, or `TALLY_GEN_HEALTH_EXPORT`.
    static func generatorPath() throws -> String {
        let generator = BuiltProducts.executable("gen-health-export", overriddenBy: "TALLY_GEN_HEALTH_EXPORT")
        guard FileManager.default.isExecutableFile(atPath: generator.path) else {
            throw FixtureError("\(generator.path) is missing: run `swift build --build-tests` (or set TALLY_GEN_HEALTH_EXPORT)")
        }
        return generator.path
    }

    /// Runs the generator; `out` ending in `.zip` makes an archive, a folder URL
    /// (`hasDirectoryPath`) the unzipped archive, anything else bare XML. The manifest goes
    /// beside `out`, as NAME.manifest.json.
    @discardableResult
    static func generate(_ out: URL, sizeMB: Double = 3, seed: Int = 1, arguments: [String] = []) throws -> Manifest {
        let manifest = out.deletingPathExtension().appendingPathExtension("manifest.json")
        let target = out.hasDirectoryPath ? out.path + "/" : out.path
        try run(generatorPath(), [target, "--size-mb", String(sizeMB), "--seed", String(seed), "--manifest", manifest.path] + arguments)
        return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifest))
    }

    /// Packs files into a zip with Python's zipfile, a second writer besides the generator's.
    /// `zip64` writes ZIP64 records for every size and offset; `streamed` writes through a pipe,
    /// so sizes and CRCs follow the data in descriptors, as on-the-fly zippers do.
    static func zip(_ files: [(name: String, path: String)], to out: URL, stored: Bool = false, zip64: Bool = false, streamed: Bool = false) throws {
        let script = """
        import sys, zipfile
        if \(zip64 ? "True" : "False"):
            zipfile.ZIP64_LIMIT = 16
        out = sys.stdout.buffer if \(streamed ? "True" : "False") else open(sys.argv[1], "wb")
        with zipfile.ZipFile(out, "w", zipfile.\(stored ? "ZIP_STORED" : "ZIP_DEFLATED")) as z:
            for name, path in zip(sys.argv[2::2], sys.argv[3::2]):
                with open(path, "rb") as f, z.open(name, "w", force_zip64=True) as entry:
                    while chunk := f.read(1 << 20):
                        entry.write(chunk)
        """
        let files = files.flatMap { [$0.name, $0.path] }
        if streamed {
            let quoted = ([script, out.path] + files).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            try run("/bin/sh", ["-c", "python3 -c \(quoted[0]) \(quoted[1]) \(quoted[2...].joined(separator: " ")) | cat > \(quoted[1])"])
        } else {
            try run("/usr/bin/env", ["python3", "-c", script, out.path] + files)
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        _ = try output(executable, arguments)
    }

    /// Runs a command to its end; returns its standard output, throws with its standard error
    /// if it fails.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        // Standard output to a file: two pipes read one after the other could fill and stall.
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("tally-fixture-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.prefix(2).joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
        return try String(contentsOf: outputFile, encoding: .utf8)
    }

    /// A fresh folder, removed when the test's value is released.
    static func temporaryFolder() throws -> TemporaryFolder {
        try TemporaryFolder()
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tally-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }
}

/// The generator's ground truth.
struct Manifest: Decodable {
    struct Total: Decodable, Equatable {
        var count: Int
        var seconds: Int64
    }

    var workouts: [String: Total]
    var mindful: Total
    var bySeedCategory: [String: Total]
    var workoutCount: Int
    /// Records outside Correlations other than mindful sessions, which no reader reports.
    var recordsTopLevel: Int
    var offset: String
    var quirks: [String]
    var xmlName: String

    enum CodingKeys: String, CodingKey {
        case workouts, mindful, offset, quirks
        case bySeedCategory = "by_seed_category"
        case workoutCount = "workout_count"
        case recordsTopLevel = "records_top_level"
        case xmlName = "xml_name"
    }
}

/// Everything a read returned, added up the way the manifest is.
struct ReadResult {
    var summary: HealthExportSummary
    var workouts: [HealthWorkout] = []
    var mindfulSessions: [HealthMindfulSession] = []
    var progress: [HealthExportProgress] = []

    /// The seed document's "Workout Type Mapping", by display name. Everything else is what
    /// the manifest calls "unmapped".
    static let seedCategories = [
        "Running": "Sport", "Cycling": "Sport", "Swimming": "Sport",
        "Traditional Strength Training": "Sport", "Functional Strength Training": "Sport",
        "Walking": "Walking", "Hiking": "Walking",
        "Yoga": "Yoga", "Pilates": "Yoga",
        "Mindful Session": "Yoga",
    ]

    init(path: String) throws {
        let reader = try HealthExportReader(path: path)
        var workouts: [HealthWorkout] = []
        var sessions: [HealthMindfulSession] = []
        var progress: [HealthExportProgress] = []
        summary = try reader.read(progress: { progress.append($0) }) { record in
            switch record {
            case .workout(let workout): workouts.append(workout)
            case .mindfulSession(let session): sessions.append(session)
            }
        }
        self.workouts = workouts
        self.mindfulSessions = sessions
        self.progress = progress
    }

    var byActivityType: [String: Manifest.Total] {
        workouts.reduce(into: [:]) { totals, workout in
            totals[workout.activityType, default: .init(count: 0, seconds: 0)].count += 1
            totals[workout.activityType, default: .init(count: 0, seconds: 0)].seconds += workout.elapsedSeconds
        }
    }

    var mindful: Manifest.Total {
        .init(count: mindfulSessions.count, seconds: mindfulSessions.reduce(0) { $0 + $1.elapsedSeconds })
    }

    var byCategory: [String: Manifest.Total] {
        var totals: [String: Manifest.Total] = [:]
        let named = workouts.map { ($0.activityName, $0.elapsedSeconds) } + mindfulSessions.map { ("Mindful Session", $0.elapsedSeconds) }
        for (name, seconds) in named {
            let category = Self.seedCategories[name] ?? "unmapped"
            totals[category, default: .init(count: 0, seconds: 0)].count += 1
            totals[category, default: .init(count: 0, seconds: 0)].seconds += seconds
        }
        return totals
    }

    /// Expects every total to equal the manifest's.
    func expectMatches(_ manifest: Manifest, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(summary.workouts == manifest.workoutCount, sourceLocation: sourceLocation)
        #expect(summary.mindfulSessions == manifest.mindful.count, sourceLocation: sourceLocation)
        #expect(byActivityType == manifest.workouts, sourceLocation: sourceLocation)
        #expect(mindful == manifest.mindful, sourceLocation: sourceLocation)
        #expect(byCategory == manifest.bySeedCategory, sourceLocation: sourceLocation)
    }
}
