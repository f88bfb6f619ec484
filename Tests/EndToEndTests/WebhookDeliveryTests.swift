import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing
import TallyTestSupport

/// Webhooks through the real binary: the CLI subscribes, `tally serve` delivers.
@Suite(.serialized) struct WebhookDeliveryTests {
    /// A database in a fresh folder, the environment that points the binary at it, and an admin key.
    struct Setup: Sendable {
        let directory: URL
        let environment: [String: String]
        let adminKey: String

        init(_ extra: [String: String] = [:]) async throws {
            directory = try makeTemporaryDirectory()
            environment = [
                "TALLY_DATABASE_URL": directory.appendingPathComponent("tally.sqlite").path,
                "TALLY_WEBHOOK_ALLOW_PRIVATE": "1",
            ].merging(extra) { _, new in new }
            let key = try await TallyProcess.run(
                ["keys", "create", "--name", "admin", "--scopes", "admin"], in: directory, environment: environment)
            guard key.status == 0 else { throw E2EFailure("keys create failed: \(key.stderr)") }
            adminKey = key.stdout.trimmingCharacters(in: .newlines)
            let user = try await TallyProcess.run(
                ["users", "create", "--id", "user123", "--name", "Ann"], in: directory, environment: environment)
            guard user.status == 0 else { throw E2EFailure("users create failed: \(user.stderr)") }
        }

        func tally(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await TallyProcess.run(arguments, in: directory, environment: environment)
        }

        func serve() async throws -> (TallyProcess, URL) {
            let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
            return (server, try await server.waitUntilListening())
        }

        func post(_ url: URL, _ path: String, json: String) async throws -> (status: Int, body: String) {
            var request = HTTPClientRequest(url: url.absoluteString + path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        }
    }

    @Test func theSeedsFlaskReceiverAndStandardWebhooksVerifyEveryDelivery() async throws {
        let setup = try await Setup()
        let secretFile = setup.directory.appendingPathComponent("secret")
        let resultsFile = setup.directory.appendingPathComponent("results.jsonl")
        FileManager.default.createFile(atPath: resultsFile.path, contents: nil)

        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        receiver.arguments = [
            "python3", packageRoot.appendingPathComponent("Tests/python/seed_webhook_receiver.py").path, secretFile.path,
            resultsFile.path,
        ]
        let portPipe = Pipe()
        receiver.standardOutput = portPipe
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer {
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
        }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "receiver printed '\(portLine)'")

        let seed = try await setup.tally([
            "webhooks", "add", "http://127.0.0.1:\(port)/webhook", "--events", "daily_log.created,appointment.created",
        ])
        #expect(seed.status == 0, "\(seed.stderr)")
        let secret = seed.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.hasPrefix("whsec_"))
        try Data(secret.utf8).write(to: secretFile)
        let standard = try await setup.tally(["webhooks", "add", "http://127.0.0.1:\(port)/standard", "--events", "*"])
        #expect(standard.status == 0, "\(standard.stderr)")
        // Both endpoints share the file's secret: the second one's is written after the first
        // verified, so each route is checked with the secret of its own endpoint.
        let standardSecret = standard.stdout.trimmingCharacters(in: .newlines)

        let (server, url) = try await setup.serve()
        defer { server.terminate() }
        var logIDs: [String] = []
        for day in 1...5 {
            let created = try await setup.post(
                url, "/v1/daily-logs",
                json: #"{"user_id":"user123","date":"2026-11-0\#(day)","reviews":5,"demos":3,"callbacks":8}"#)
            #expect(created.status == 201)
            logIDs.append(try #require(try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])["id"] as! String)
        }
        let appointment = try await setup.post(
            url, "/v1/appointments",
            json: #"{"user_id":"user123","customer_name":"Familie Jansen","appointment_date":"2026-11-23T14:00:00+01:00","windows":7}"#)
        #expect(appointment.status == 201)

        let seedResults = try await waitForResults(resultsFile) { $0.filter { $0["route"] as? String == "seed" }.count >= 6 }
        #expect(Set(seedResults.filter { $0["route"] as? String == "seed" && $0["event"] as? String == "daily_log.created" }.compactMap { $0["id"] as? String }) == Set(logIDs))
        #expect(seedResults.contains { $0["event"] as? String == "appointment.created" })

        // Now the Standard Webhooks route, with its own secret.
        try Data(standardSecret.utf8).write(to: secretFile)
        let test = try await setup.tally(["webhooks", "list", "--format", "json"])
        let endpoints = try #require(try JSONSerialization.jsonObject(with: Data(test.stdout.utf8)) as? [[String: Any]])
        let standardID = try #require(endpoints.first { ($0["url"] as? String)?.hasSuffix("/standard") == true }?["id"] as? String)
        for day in 6...8 {
            _ = try await setup.post(
                url, "/v1/daily-logs",
                json: #"{"user_id":"user123","date":"2026-11-0\#(day)","reviews":1,"demos":1,"callbacks":1}"#)
        }
        let results = try await waitForResults(resultsFile) { results in
            results.filter { $0["route"] as? String == "standard" && $0["verified"] as? Bool == true }.count >= 3
        }
        #expect(!results.contains { $0["verified"] as? Bool == false && ($0["error"] as? String)?.contains("timestamp") == true })

        let deliveries = try await setup.tally(["webhooks", "deliveries", standardID, "--format", "json"])
        #expect(deliveries.status == 0)
        #expect(deliveries.stdout.contains("daily_log.created"))
        #expect(!server.stderr.contains(secret.dropFirst(6)), "a webhook secret appeared in the server log")
        #expect(!server.stderr.contains(standardSecret.dropFirst(6)))
    }

    @Test func noCommittedChangeLosesItsEventWhenTheServerIsKilled() async throws {
        // A receiver slower than the writers (4 at a time, 200 ms each), so the outbox holds a
        // backlog, some of it in flight, when the server dies.
        try await WebhookReceiver.run(answer: { _, _ in .init(delay: .milliseconds(200)) }) { receiver in
            let setup = try await Setup([
                "TALLY_RATE_LIMIT": "1000000", "TALLY_WEBHOOK_TIMEOUT": "2", "TALLY_WEBHOOK_CONCURRENCY": "4",
                "TALLY_WEBHOOK_RETRY_SCHEDULE": "0,0.5,0.5,0.5,0.5",
            ])
            #expect(try await setup.tally(["webhooks", "add", receiver.url(), "--events", "daily_log.created"]).status == 0)
            let (server, url) = try await setup.serve()

            // Writers create logs as fast as they can; the server is killed in the middle.
            let committed = CommittedIDs()
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<4 {
                        group.addTask {
                            for day in 0..<2000 {
                                let date = RFC3339Day.string(daysAfter2020: writer * 2000 + day)
                                guard let created = try? await setup.post(
                                    url, "/v1/daily-logs",
                                    json: #"{"user_id":"user123","date":"\#(date)","reviews":1,"demos":2,"callbacks":3}"#)
                                else { return }
                                guard created.status == 201 else { continue }
                                let object = try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any]
                                if let id = object?["id"] as? String { committed.ids.withLock { $0.append(id) } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while committed.ids.withLock({ $0.count }) < 300 || receiver.all.count < 4 {
                guard ContinuousClock.now < deadline else { throw E2EFailure("the writers did not get going") }
                try await Task.sleep(for: .milliseconds(10))
            }
            server.terminate(signal: SIGKILL)
            _ = try await server.waitForExit(timeout: .seconds(10))
            _ = try? await writers.value
            let acknowledged = Set(committed.ids.withLock { $0 })
            let deliveredBeforeRestart = receiver.all.count
            #expect(deliveredBeforeRestart < acknowledged.count, "the kill left no backlog to recover")

            let (restarted, _) = try await setup.serve()
            defer { restarted.terminate() }
            try await receiver.wait(timeout: .seconds(90), "every acknowledged log's event") { received in
                let delivered = Set(received.compactMap { ($0.json["data"] as? [String: Any])?["id"] as? String })
                return acknowledged.isSubset(of: delivered)
            }
        }
    }

    @Test func retriesGoneRetryAfterRotationAndRedeliveryThroughTheBinary() async throws {
        try await WebhookReceiver.run(answer: { path, count in
            switch path {
            case "/flaky": count < 2 ? .init(status: .internalServerError) : .init()
            case "/gone": .init(status: .gone)
            case "/busy": count == 0 ? .init(status: .tooManyRequests, headers: [("Retry-After", "1")]) : .init()
            default: .init()
            }
        }) { receiver in
            let setup = try await Setup(["TALLY_WEBHOOK_RETRY_SCHEDULE": "0,0.3,0.3"])
            let (server, url) = try await setup.serve()
            defer { server.terminate() }
            var endpoints: [String: (id: String, secret: String)] = [:]
            for path in ["/flaky", "/gone", "/busy"] {
                let created = try await setup.post(url, "/v1/webhooks", json: #"{"url":"\#(receiver.url(path))","events":["user.created"]}"#)
                #expect(created.status == 201)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])
                endpoints[path] = (object["id"] as! String, object["secret"] as! String)
            }
            #expect(try await setup.post(url, "/v1/users", json: #"{"id":"bob","name":"Bob"}"#).status == 201)
            let received = try await receiver.wait { received in
                received.filter { $0.path == "/flaky" }.count >= 3 && received.filter { $0.path == "/busy" }.count >= 2
            }
            let flaky = received.filter { $0.path == "/flaky" }
            #expect(Set(flaky.compactMap { $0.header("webhook-id") }).count == 1)
            let busy = received.filter { $0.path == "/busy" }
            #expect(busy[1].at.timeIntervalSince(busy[0].at) >= 0.9, "Retry-After: 1 was not honoured")

            let gone = try await get(url, "/v1/webhooks/\(endpoints["/gone"]!.id)", key: setup.adminKey)
            #expect(gone["status"] as? String == "disabled")
            #expect(receiver.requests(to: "/gone").count == 1)

            let rotated = try await setup.post(url, "/v1/webhooks/\(endpoints["/flaky"]!.id)/rotate-secret", json: "{}")
            #expect(rotated.status == 200)
            #expect(try await setup.post(url, "/v1/users", json: #"{"id":"cy","name":"Cy"}"#).status == 201)
            let afterRotation = try await receiver.wait { $0.filter { $0.path == "/flaky" }.count >= 4 }
            let signed = try #require(afterRotation.filter { $0.path == "/flaky" }.last)
            #expect(signed.header("webhook-signature")?.split(separator: " ").count == 2)

            let log = try await get(url, "/v1/webhooks/\(endpoints["/flaky"]!.id)/deliveries", key: setup.adminKey)
            let first = try #require((log["deliveries"] as? [[String: Any]])?.last)
            #expect(first["attempts"] as? Int == 3)
            #expect(first["state"] as? String == "delivered")
            let redelivered = try await setup.post(
                url, "/v1/webhooks/\(endpoints["/flaky"]!.id)/deliveries/\(first["id"] as! String)/redeliver", json: "{}")
            #expect(redelivered.status == 202)
            let again = try await receiver.wait { $0.filter { $0.path == "/flaky" }.count >= 5 }
            #expect(again.filter { $0.path == "/flaky" }.last?.header("webhook-id") == flaky[0].header("webhook-id"))
        }
    }

    private func get(_ url: URL, _ path: String, key: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url.absoluteString + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    @Test func theWebhooksCommandsManageEndpointsAndKeepTheKeyPrivate() async throws {
        let setup = try await Setup(["TALLY_WEBHOOK_ALLOW_PRIVATE": "0"])
        let refused = try await setup.tally(["webhooks", "add", "http://127.0.0.1:9/hook"])
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("loopback"))
        let badEvent = try await setup.tally(["webhooks", "add", "https://93.184.216.34/hook", "--events", "nope.created"])
        #expect(badEvent.status != 0)
        #expect(badEvent.stderr.contains("nope.created"))

        let added = try await setup.tally(["webhooks", "add", "https://93.184.216.34/hook", "--events", "daily_log.created"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.split(separator: "\n").count == 1)
        let keyFile = setup.directory.appendingPathComponent("tally-secret.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let database = try Data(contentsOf: setup.directory.appendingPathComponent("tally.sqlite"))
        #expect(database.range(of: Data(added.stdout.trimmingCharacters(in: .newlines).dropFirst(6).utf8)) == nil)

        let listed = try await setup.tally(["webhooks", "list"])
        #expect(listed.stdout.contains("https://93.184.216.34/hook") && listed.stdout.contains("active"))
        #expect(!listed.stdout.contains("whsec_"))
        let id = try #require(listed.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
        #expect(try await setup.tally(["webhooks", "deliveries", id]).status == 0)
        #expect(try await setup.tally(["webhooks", "remove", id]).status == 0)
        let again = try await setup.tally(["webhooks", "remove", id])
        #expect(again.status != 0)
        #expect(again.stderr.contains("no webhook has the id"))

        // Another key cannot open what the first sealed.
        let wrongKey = try await TallyProcess.run(
            ["serve", "--port", "0"], in: setup.directory,
            environment: setup.environment.merging(["TALLY_SECRET_KEY": "not-base64"]) { _, new in new })
        #expect(wrongKey.status != 0)
        #expect(wrongKey.stderr.contains("TALLY_SECRET_KEY"))
    }

    private func waitForResults(_ file: URL, until condition: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(30)
        var results: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            results = text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            if condition(results) { return results }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw E2EFailure("the receiver recorded only \(results)")
    }
}

final class CommittedIDs: Sendable {
    let ids = Mutex<[String]>([])
}

/// Distinct dates for generated logs.
enum RFC3339Day {
    static func string(daysAfter2020 days: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_577_836_800 + Double(days) * 86_400)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
