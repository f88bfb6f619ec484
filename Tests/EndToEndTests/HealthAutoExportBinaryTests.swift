import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// A Health Auto Export batch of about 100 MB (minute-by-minute heart rate, routes, a year of
/// metrics) posted to the real binary, twice.
@Suite(.serialized) struct HealthAutoExportBinaryTests {
    @Test func aHundredMegabyteBatchIsAcceptedAndAppliedOnce() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = directory.appendingPathComponent("hae.json")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/health/hae_payload.py")
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", script.path, body.path, "100"]
        generator.standardOutput = Pipe()
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        let data = try Data(contentsOf: body)
        #expect(data.count >= 100 << 20)

        let token = "hae-e2e-token-0123456789"
        let environment = [
            "TALLY_DATABASE_URL": directory.appendingPathComponent("tally.sqlite").path, "TALLY_HEALTH_WEBHOOK_TOKEN": token,
        ]
        #expect(try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment).status == 0)
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate() }
        let url = try await server.waitUntilListening()

        func post() async throws -> (status: Int, body: [String: Any]) {
            var request = HTTPClientRequest(url: url.absoluteString + "/webhooks/health")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: data))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let answer = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(buffer: answer))) as? [String: Any] ?? [:])
        }
        let first = try await post()
        #expect(first.status == 200, "\(first.body) \(server.stderr.suffix(2000))")
        #expect(first.body["workouts"] as? Int == 200)
        #expect(first.body["mindful_minutes"] as? Int == 365)
        #expect(first.body["added"] as? Int == 565)
        #expect(first.body["ignored_metrics"] as? [String] == ["heart_rate"])
        let again = try await post()
        #expect(again.body["added"] as? Int == 0 && again.body["unchanged"] as? Int == 565, "\(again.body)")
    }
}
