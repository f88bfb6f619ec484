import Foundation
import Testing

/// Each Apple Health sample through `POST /v1/imports/apple-health`, as a user uploads it: a
/// zip as it is, a bare export.xml zipped the way the Health app zips it, a one-workout fragment
/// wrapped in `<HealthData>`. What is stored is read back through `GET /v1/time-entries`.
@Suite(.enabled(if: RealSamples.isPresent, RealSamples.skipped))
struct RealAppleHealthTests {
    struct Workout: Sendable {
        /// `workoutActivityType`, kept in the entry's details.
        var type: String
        /// The activity's name for people: the entry's description.
        var name: String
        var category: String
        var source: String
        /// UTC instants; `span` is end − start, pauses included.
        var start: String
        var end: String
        var span: Int
        /// The `HKTimeZone` metadata, when the workout has it.
        var timeZone: String?
        /// The `duration` attribute in seconds (time moving).
        var moving: Double
        /// The `totalDistance` attribute, else the workout's first distance statistics.
        var distance: (value: Double, unit: String)?
    }

    struct Mindful: Sendable {
        var source: String
        var start: String
        var end: String
        var seconds: Int
    }

    enum Upload: Sendable {
        /// The file is an export.zip: sent as it is.
        case archive
        /// A bare export.xml: zipped as `apple_health_export/export.xml`, with these files
        /// beside it (path in the folder, member name).
        case zipped(with: [(file: String, member: String)])
        /// One `<Workout>` cut from an export, wrapped in `<HealthData>` and sent as XML.
        case fragment
    }

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var upload: Upload
        var workouts: [Workout]
        var mindful: [Mindful] = []

        var testDescription: String { file }

        var files: [String] {
            if case .zipped(let extras) = upload { return [file] + extras.map(\.file) }
            return [file]
        }

        var entryCount: Int { workouts.count + mindful.count }
    }

    static let fragments = "apple_health/nicolasreyrolle_fragments/"

    static let samples: [Sample] = [
        // iOS 12.3, unmodified: no workouts, one user-entered mindful session (no `value`).
        Sample(
            file: "apple_health/rgosdin_export.zip", upload: .archive, workouts: [],
            mindful: [Mindful(source: "Health", start: "2019-06-16T07:46:00Z", end: "2019-06-16T10:46:00Z", seconds: 10_800)]),
        // Re-zipped on macOS: __MACOSX AppleDouble members, attributes over several lines, no workouts.
        Sample(file: "apple_health/alxdrcirilo_export.zip", upload: .archive, workouts: []),
        // Export Version 3 (2016), the Workout line pasted in by hand.
        Sample(
            file: "apple_health/tdda_export6s3sample.xml", upload: .zipped(with: []),
            workouts: [
                Workout(
                    type: "HKWorkoutActivityTypeOther", name: "Other", category: "Uncategorized", source: "NJR Apple\u{A0}Watch",
                    start: "2016-04-02T09:40:38Z", end: "2016-04-02T10:12:22Z", span: 1904, timeZone: nil, moving: 1904.208,
                    distance: (0, "km"))
            ]),
        // An inline pre-iOS 13 WorkoutRoute with Location children.
        Sample(
            file: "apple_health/healthkit-to-sqlite/tests_export.xml", upload: .zipped(with: []),
            workouts: [healthkitToSQLiteRun]),
        // The same run in the iOS 13 shape, its route a GPX file beside the XML.
        Sample(
            file: "apple_health/healthkit-to-sqlite/zip_contents_export.xml",
            upload: .zipped(with: [(
                file: "apple_health/healthkit-to-sqlite/route_2019-06-11_3.00pm.gpx",
                member: "apple_health_export/workout-routes/route_2019-06-11_3.00pm.gpx"
            )]),
            workouts: [healthkitToSQLiteRun]),
        // Export Version 14 DTD, comments between elements, a Correlation, a WorkoutRoute on another day.
        Sample(
            file: "apple_health/grll_export.xml", upload: .zipped(with: []),
            workouts: [
                Workout(
                    type: "HKWorkoutActivityTypeWalking", name: "Walking", category: "Walking", source: "Guillaume's Apple Watch",
                    start: "2025-05-08T16:26:15Z", end: "2025-05-08T17:57:18Z", span: 5463, timeZone: nil, moving: 5294.027,
                    distance: (5.234, "km")),
                Workout(
                    type: "HKWorkoutActivityTypeCycling", name: "Cycling", category: "Sport", source: "Guillaume's Apple Watch",
                    start: "2025-05-09T13:55:22Z", end: "2025-05-09T14:24:11Z", span: 1729, timeZone: nil, moving: 1728.764,
                    distance: (12.5, "km")),
            ],
            mindful: [Mindful(source: "Breathe", start: "2025-05-28T14:55:00Z", end: "2025-05-28T15:00:00Z", seconds: 300)]),
        // watchOS 11–26 fragments: totals in WorkoutStatistics, nested WorkoutActivity parts,
        // every MetadataEntry block twice.
        fragment(
            "workout_cp_calculation.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple\u{A0}Watch de Nicolas",
            "2026-03-29T07:32:42Z", "2026-03-29T09:44:38Z", 7916, "Europe/Paris", 7856.512, (19.2435, "km")),
        fragment(
            "workout_cycling.xml", "HKWorkoutActivityTypeCycling", "Cycling", "Sport", "Apple Watch",
            "2025-07-14T15:39:21Z", "2025-07-14T16:51:54Z", 4353, "Europe/Paris", 4352.822, (18.9895, "km")),
        fragment(
            "workout_hiking.xml", "HKWorkoutActivityTypeHiking", "Hiking", "Walking", "Apple\u{A0}Watch de Nicolas",
            "2025-12-28T13:32:23Z", "2025-12-28T13:45:57Z", 814, "Europe/Paris", 813.616, (0.732961, "km")),
        // One WorkoutActivity inside.
        fragment(
            "workout_running.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple Watch",
            "2025-09-16T15:14:50Z", "2025-09-16T16:15:43Z", 3653, "Europe/Paris", 3653.253, (8.95512, "km")),
        fragment(
            "workout_running_long_distance.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple\u{A0}Watch ",
            "2025-11-30T14:13:47Z", "2025-11-30T17:06:09Z", 10_342, "Europe/Luxembourg", 10_341.399, (21.1328, "km")),
        // 17 WorkoutActivity parts, each with its own route: still one workout.
        fragment(
            "workout_running_multiple_parts.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple\u{A0}Watch",
            "2025-09-26T16:40:18Z", "2025-09-26T17:18:39Z", 2301, "Europe/Paris", 2300.872, (5.96338, "km")),
        // 18 parts.
        fragment(
            "workout_running_too_fast.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple\u{A0}Watch ",
            "2024-12-26T13:28:57Z", "2024-12-26T14:04:51Z", 2154, "Europe/Paris", 2154.305, (5.55215, "km")),
        fragment(
            "workout_running_usaint_bolt.xml", "HKWorkoutActivityTypeRunning", "Running", "Sport", "Apple\u{A0}Watch ",
            "2021-12-26T14:29:59Z", "2021-12-26T15:50:32Z", 4833, "Europe/Luxembourg", 4832.577, (8.82238, "km")),
        fragment(
            "workout_strength.xml", "HKWorkoutActivityTypeFunctionalStrengthTraining", "Functional Strength Training", "Sport",
            "Apple Watch", "2025-09-15T17:28:29Z", "2025-09-15T17:48:44Z", 1215, "Europe/Paris", 1215.102, nil),
        // Laps and segments with their own MetadataEntry children (SWOLF, stroke style).
        fragment(
            "workout_swimming.xml", "HKWorkoutActivityTypeSwimming", "Swimming", "Sport", "Apple Watch",
            "2025-09-13T14:39:17Z", "2025-09-13T15:18:24Z", 2347, "Europe/Luxembourg", 2347.690, (750, "m")),
        fragment(
            "workout_walking.xml", "HKWorkoutActivityTypeWalking", "Walking", "Walking", "Apple",
            "2018-06-11T10:46:43Z", "2018-06-11T11:03:22Z", 999, "Europe/Luxembourg", 999.435, (1.21551, "km")),
    ]

    static let healthkitToSQLiteRun = Workout(
        type: "HKWorkoutActivityTypeRunning", name: "Running", category: "Sport", source: "Apple\u{A0}Watch",
        start: "2016-11-14T14:25:41Z", end: "2016-11-14T14:30:52Z", span: 311, timeZone: "America/Los_Angeles", moving: 311.647,
        distance: (0.4971749504535062, "mi"))

    static func fragment(
        _ file: String, _ type: String, _ name: String, _ category: String, _ source: String, _ start: String, _ end: String,
        _ span: Int, _ timeZone: String, _ moving: Double, _ distance: (Double, String)?
    ) -> Sample {
        Sample(
            file: fragments + file, upload: .fragment,
            workouts: [
                Workout(
                    type: type, name: name, category: category, source: source, start: start, end: end, span: span,
                    timeZone: timeZone, moving: moving, distance: distance.map { (value: $0.0, unit: $0.1) })
            ])
    }

    /// The body and its type, as a user's upload would carry the sample.
    static func body(for sample: Sample) throws -> (Data, String) {
        let data = try RealSamples.data(sample.file)
        switch sample.upload {
        case .archive:
            return (data, "application/zip")
        case .zipped(let extras):
            var members: [(name: String, data: Data)] = [(name: "apple_health_export/export.xml", data: data)]
            for extra in extras { members.append((name: extra.member, data: try RealSamples.data(extra.file))) }
            return (StoredZip.archive(members), "application/zip")
        case .fragment:
            let wrapped = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HealthData locale=\"fr_FR\">\n".utf8) + data
                + Data("\n</HealthData>\n".utf8)
            return (wrapped, "application/xml")
        }
    }

    /// Uploads and waits for the import to end; its final state.
    static func importExport(_ server: TestServer, _ body: Data, type: String) async throws -> [String: Any] {
        let accepted = try await server.upload("/v1/imports/apple-health?user_id=ann", body, type: type)
        guard accepted.status == 202, let id = try accepted.json()["id"] as? String else {
            throw TestFailure("the upload was not accepted: \(accepted.status) \(accepted.text)")
        }
        return try await eventually(timeout: .seconds(60)) { () -> [String: Any]? in
            let state = try await server.send(.GET, "/v1/imports/\(id)").json()
            return state["state"] as? String == "running" ? nil : state
        }
    }

    @Test(arguments: samples)
    func eachSampleImportsAsItsFileSays(_ sample: Sample) async throws {
        let (body, type) = try Self.body(for: sample)
        try await TestServer.run { server in
            try await server.createUser("ann")
            let done = try await Self.importExport(server, body, type: type)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            #expect(done["workouts"] as? Int == sample.workouts.count, "one per top-level <Workout>: \(done)")
            #expect(done["mindful_sessions"] as? Int == sample.mindful.count)
            #expect(done["added"] as? Int == sample.entryCount)

            let stored = try await server.listedEntries("source=apple_health&user_id=ann")
            #expect(stored.count == sample.entryCount)
            for expected in sample.workouts {
                let found = stored.filter {
                    ($0["details"] as? [String: Any])?["activity_type"] as? String == expected.type
                        && instant($0["start"]) == instant(expected.start)
                }
                guard found.count == 1, let entry = found.first else {
                    Issue.record("no single \(expected.type) starting \(expected.start) among \(stored)")
                    continue
                }
                check(entry, expected)
            }
            for expected in sample.mindful {
                guard let entry = stored.first(where: { $0["description"] as? String == "Mindful Session" && instant($0["start"]) == instant(expected.start) })
                else {
                    Issue.record("no mindful session starting \(expected.start) among \(stored)")
                    continue
                }
                #expect(isUTC(entry["start"]) && isUTC(entry["stop"]))
                #expect(instant(entry["stop"]) == instant(expected.end))
                #expect(entry["duration"] as? Int == expected.seconds)
                #expect(entry["tags"] as? [String] == [expected.source])
                #expect(entry["category"] as? String == "Yoga")
            }

            // The same export again adds nothing and changes nothing.
            let again = try await Self.importExport(server, body, type: type)
            #expect(again["state"] as? String == "succeeded", "\(again)")
            #expect(again["added"] as? Int == 0)
            #expect(again["already_present"] as? Int == sample.entryCount)
            let after = try await server.listedEntries("source=apple_health&user_id=ann")
            #expect(after.map { $0["id"] as? String } == stored.map { $0["id"] as? String })
            #expect(after.map { $0["updated_at"] as? String } == stored.map { $0["updated_at"] as? String })
        }
    }

    func check(_ entry: [String: Any], _ expected: Workout, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(entry["description"] as? String == expected.name, sourceLocation: sourceLocation)
        #expect(entry["category"] as? String == expected.category, sourceLocation: sourceLocation)
        #expect(isUTC(entry["start"]) && isUTC(entry["stop"]), "\(entry)", sourceLocation: sourceLocation)
        #expect(instant(entry["stop"]) == instant(expected.end), sourceLocation: sourceLocation)
        #expect(entry["duration"] as? Int == expected.span, "end − start, pauses included", sourceLocation: sourceLocation)
        #expect(entry["timezone"] as? String == expected.timeZone, "the recorded zone", sourceLocation: sourceLocation)
        #expect(entry["tags"] as? [String] == [expected.source], sourceLocation: sourceLocation)
        let details = entry["details"] as? [String: Any] ?? [:]
        let moving = details["moving_seconds"] as? Double
        #expect(moving.map { abs($0 - expected.moving) < 0.01 } == true, "moving \(String(describing: moving))", sourceLocation: sourceLocation)
        let distance = details["distance"] as? [String: Any]
        if let want = expected.distance {
            #expect((distance?["value"] as? Double).map { abs($0 - want.value) < 1e-9 } == true, "\(details)", sourceLocation: sourceLocation)
            #expect(distance?["unit"] as? String == want.unit, sourceLocation: sourceLocation)
        } else {
            #expect(distance == nil, "\(details)", sourceLocation: sourceLocation)
        }
    }
}
