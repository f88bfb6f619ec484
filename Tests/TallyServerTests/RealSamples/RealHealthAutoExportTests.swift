import Foundation
import Testing

/// Each Health Auto Export body through `POST /webhooks/health`, as the app's REST automation
/// posts it. Tally takes workouts and `mindful_minutes`; everything else is named as ignored,
/// and a body with nothing Tally takes is a success that stores nothing.
@Suite(.enabled(if: RealSamples.isPresent, RealSamples.skipped))
struct RealHealthAutoExportTests {
    static let token = "hae-real-samples-token-0123456789"

    struct Workout: Sendable {
        var name: String
        var category: String
        var start: String
        var end: String
        var span: Int
        var energy: (value: Double, unit: String)?
    }

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var workouts: [Workout]
        var mindfulSamples: Int
        var ignoredMetrics: [String]

        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        // A real 22-month file export: metrics only, no `workouts` key at all, no mindful_minutes.
        Sample(
            file: "health_auto_export/HealthAutoExport-2023-06-17-2025-04-26.json", workouts: [], mindfulSamples: 0,
            ignoredMetrics: [
                "apple_sleeping_wrist_temperature", "blood_oxygen_saturation", "body_mass_index", "carbohydrates",
                "dietary_caffeine", "dietary_energy", "dietary_sugar", "dietary_water", "fiber", "heart_rate",
                "heart_rate_variability", "potassium", "protein", "respiratory_rate", "resting_heart_rate", "sleep_analysis",
                "sodium", "time_in_daylight", "total_fat", "vo2_max", "weight_body_mass",
            ]),
        // v1 (2021): no `id`, no `duration`, energy in kJ, a route and heart-rate series.
        Sample(
            file: "health_auto_export/irvinlim_hae_v1_workout_walking.json",
            workouts: [
                Workout(
                    name: "Walking", category: "Walking", start: "2021-12-24T00:02:43Z", end: "2021-12-24T00:21:53Z", span: 1150,
                    energy: (226.21122641832523, "kJ"))
            ],
            mindfulSamples: 0, ignoredMetrics: []),
        // An empty metric, and `"workouts": []` beside `data` rather than in it.
        Sample(
            file: "health_auto_export/irvinlim_hae_v1_metrics_active_energy.json", workouts: [], mindfulSamples: 0,
            ignoredMetrics: ["active_energy", "basal_body_temperature"]),
        // HAE 6.6.2's aggregated sleep, two sources joined by `|`.
        Sample(
            file: "health_auto_export/irvinlim_hae_sleep_phases_v6.6.2.json", workouts: [], mindfulSamples: 0,
            ignoredMetrics: ["sleep_analysis"]),
    ]

    func post(_ server: TestServer, _ body: Data) async throws -> RawResponse {
        try await server.upload(
            "/webhooks/health?user_id=ann", body, type: "application/json", key: .some(nil),
            headers: [("Authorization", "Bearer \(Self.token)")])
    }

    @Test(arguments: samples)
    func eachBodyStoresWhatItHolds(_ sample: Sample) async throws {
        let body = try RealSamples.data(sample.file)
        try await TestServer.run(configure: { $0.healthWebhookToken = Self.token }) { server in
            try await server.createUser("ann")
            let first = try await post(server, body)
            #expect(first.status == 200, "\(first.text)")
            let answer = try first.json()
            #expect(answer["workouts"] as? Int == sample.workouts.count)
            #expect(answer["mindful_minutes"] as? Int == sample.mindfulSamples)
            #expect(answer["added"] as? Int == sample.workouts.count + sample.mindfulSamples)
            #expect(answer["ignored_metrics"] as? [String] == sample.ignoredMetrics)

            let stored = try await server.listedEntries("source=health_auto_export&user_id=ann")
            #expect(stored.count == sample.workouts.count + sample.mindfulSamples)
            for expected in sample.workouts {
                guard let entry = stored.first(where: { instant($0["start"]) == instant(expected.start) }) else {
                    Issue.record("no workout starting \(expected.start) among \(stored)")
                    continue
                }
                #expect(entry["description"] as? String == expected.name)
                #expect(entry["category"] as? String == expected.category)
                #expect(isUTC(entry["start"]) && isUTC(entry["stop"]))
                #expect(instant(entry["stop"]) == instant(expected.end))
                #expect(entry["duration"] as? Int == expected.span)
                let energy = (entry["details"] as? [String: Any])?["energy"] as? [String: Any]
                if let want = expected.energy {
                    #expect((energy?["value"] as? Double).map { abs($0 - want.value) < 1e-9 } == true, "\(entry)")
                    #expect(energy?["unit"] as? String == want.unit)
                }
            }

            // The app posts the same data again on its next run: nothing new.
            let again = try await post(server, body)
            #expect(again.status == 200, "\(again.text)")
            #expect(try again.json()["added"] as? Int == 0)
            #expect(try again.json()["updated"] as? Int == 0)
            let after = try await server.listedEntries("source=health_auto_export&user_id=ann")
            #expect(after.map { $0["id"] as? String } == stored.map { $0["id"] as? String })
        }
    }
}
