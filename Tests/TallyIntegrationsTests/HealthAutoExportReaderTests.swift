import Foundation
import Testing
@testable import TallyIntegrations

@Suite struct HealthAutoExportReaderTests {
    /// Feeds the reader `chunk` bytes at a time, to cross every token boundary.
    static func read(_ json: String, chunk: Int) throws(HealthAutoExportError) -> HealthAutoExportPayload {
        var rest = Array(json.utf8)[...]
        var reader = HealthAutoExportReader(refill: {
            guard !rest.isEmpty else { return nil }
            defer { rest = rest.dropFirst(chunk) }
            return Array(rest.prefix(chunk))
        })
        return try reader.payload()
    }

    static let body = #"""
        {"data": {
          "workouts": [
            {"id": "A-1", "name": "Outdoor Run", "start": "2026-11-20 07:00:00 +0100", "end": "2026-11-20 07:45:00 +0100",
             "heartRateData": [{"qty": 120, "date": "x", "nested": {"deep": [[1, 2], {"s": "]}\" \\ \u00e9"}]}}],
             "route": [{"lat": 52.1, "lon": 5.1, "altitude": -1.5e2}],
             "duration": 2700.5, "distance": {"qty": 8.2, "units": "km"},
             "activeEnergy": [{"qty": 10, "date": "y"}], "activeEnergyBurned": {"qty": 610, "units": "kcal"},
             "isIndoor": false, "location": null},
            {"name": "Yoga \ud83e\uddd8", "start": "2026-11-20 18:00:00 +0100", "end": "2026-11-20 18:30:00 +0100"}
          ],
          "metrics": [
            {"name": "heart_rate", "units": "count/min", "data": [{"Min": 50, "Avg": 70, "Max": 90, "date": "z"}]},
            {"data": [{"qty": 10, "date": "2026-11-20 06:30:00 +0100", "source": "Oura"}], "units": "min", "name": "mindful_minutes"},
            {"name": "step_count", "data": [{"qty": 1000, "date": "w"}]}
          ]
        }, "extra": {"ignored": true}}
        """#

    @Test(arguments: [1, 2, 3, 7, 64, 1 << 16])
    func readsWhatATimeTrackerNeedsAtAnyChunkSize(chunk: Int) throws {
        let payload = try Self.read(Self.body, chunk: chunk)
        let workouts = try #require(payload.data.workouts)
        #expect(workouts.count == 2)
        #expect(workouts[0].id == "A-1" && workouts[0].name == "Outdoor Run" && workouts[0].duration == 2700.5)
        #expect(workouts[0].distance?.qty == 8.2 && workouts[0].distance?.units == "km")
        #expect(workouts[0].activeEnergyBurned?.qty == 610 && workouts[0].activeEnergy == nil)
        #expect(workouts[1].id == nil && workouts[1].name == "Yoga 🧘")
        let metrics = try #require(payload.data.metrics)
        #expect(metrics.map(\.name) == ["heart_rate", "mindful_minutes", "step_count"])
        #expect(metrics[0].data == nil && metrics[2].data == nil, "only mindful minutes keep their samples")
        let sample = try #require(metrics[1].data?.first)
        #expect(sample.qty == 10 && sample.source == "Oura" && sample.date == "2026-11-20 06:30:00 +0100")
    }

    @Test func aByteOrderMarkWhitespaceAndNullsAreFine() throws {
        let payload = try Self.read(
            "\u{FEFF}  \n" + #"{"data": {"workouts": null, "metrics": [{"name": "mindful_minutes", "data": null}]}}"#, chunk: 3)
        #expect(payload.data.workouts == nil)
        #expect(payload.data.metrics?.first?.name == "mindful_minutes" && payload.data.metrics?.first?.data == nil)
    }

    @Test(arguments: [
        ("", "the body is not JSON"),
        ("not json", "the body is not JSON"),
        (#"{"data":{"workouts":[{"name":"Run","start":"a","end":"b"}"#, "the body is not JSON"),
        (#"{"workouts":[]}"#, "data is missing"),
        (#"{"data":{"workouts":{}}}"#, "data.workouts has the wrong type"),
        (#"{"data":{"workouts":[{"name":"Run","end":"b"}]}}"#, "data.workouts[0].start is missing"),
        (#"{"data":{"workouts":[{"name":7,"start":"a","end":"b"}]}}"#, "data.workouts[0].name has the wrong type"),
        (#"{"data":{"metrics":[{"units":"min"}]}}"#, "data.metrics[0].name is missing"),
        (#"{"data":{}} trailing"#, "the body is not JSON"),
        (#"{"data":{"workouts":[{"name":"R\u12"}]}}"#, "the body is not JSON"),
    ])
    func malformedBodiesSayWhatIsWrong(json: String, message: String) {
        #expect {
            _ = try Self.read(json, chunk: 5)
        } throws: { error in
            guard let error = error as? HealthAutoExportError, case .malformed(let detail) = error else { return false }
            return detail.hasPrefix(message)
        }
    }
}
