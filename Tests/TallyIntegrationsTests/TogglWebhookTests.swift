import Foundation
import Testing
import TallyTestSupport
@testable import TallyIntegrations

/// Inbound Toggl webhooks: signatures, decoding, and the subscription round trip with the fake.
@Suite struct TogglWebhookTests {
    // Toggl's documented test vector (reference/toggl.md).
    static let vectorSecret = "PGuRrhCFajIyEvFlreKL"
    static let vectorBody =
        #"{"event_id":0,"created_at":"2022-06-25T03:58:10.207820267Z","creator_id":6,"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6,"timestamp":"2022-06-25T03:58:10.207820267Z","url_callback":"https://callback-url.com"}"#
    static let vectorSignature = "sha256=bf829606cda0ca6923defb5ca70a43135adc7e8887486a201a19cb50ca6006b1"

    @Test("Toggl's documented test vector verifies, and signing reproduces it")
    func testVector() {
        let body = Array(Self.vectorBody.utf8)
        #expect(TogglWebhookSignature.isValid(header: Self.vectorSignature, body: body, secret: Self.vectorSecret))
        #expect(TogglWebhookSignature.header(body: body, secret: Self.vectorSecret) == Self.vectorSignature)
        #expect(FakeToggl.signature(body, secret: Self.vectorSecret) == Self.vectorSignature)
        #expect(
            TogglWebhookSignature.isValid(header: Self.vectorSignature.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="),
                body: body, secret: Self.vectorSecret))
    }

    @Test("anything but the exact signature of the exact body is refused", arguments: [
        (vectorSignature, vectorBody + " ", vectorSecret),
        (vectorSignature, vectorBody, "PGuRrhCFajIyEvFlreKl"),
        (String(vectorSignature.dropFirst(7)), vectorBody, vectorSecret),
        ("sha1=" + vectorSignature.dropFirst(7), vectorBody, vectorSecret),
        (String(vectorSignature.dropLast(2)), vectorBody, vectorSecret),
        (vectorSignature.dropLast(2) + "zz", vectorBody, vectorSecret),
        (vectorSignature + "00", vectorBody, vectorSecret),
        ("", vectorBody, vectorSecret),
        ("sha256=", vectorBody, vectorSecret),
    ])
    func refused(header: String, body: String, secret: String) {
        #expect(!TogglWebhookSignature.isValid(header: header, body: Array(body.utf8), secret: secret))
    }

    @Test("no header is refused")
    func missingHeader() {
        #expect(!TogglWebhookSignature.isValid(header: nil, body: Array(Self.vectorBody.utf8), secret: Self.vectorSecret))
    }

    @Test("the test vector is a ping: event_user_id a number, nanosecond timestamps, no validation code")
    func vectorPing() throws {
        #expect(try TogglWebhookDelivery.decode(Array(Self.vectorBody.utf8)) == .ping(validationCode: nil))
    }

    @Test("a first ping carries the validation code")
    func validationPing() throws {
        let body = Self.vectorBody.replacingOccurrences(
            of: #""url_callback":"https://callback-url.com"}"#,
            with:
                #""url_callback":"https://callback-url.com","validation_code":"abc-123","validation_code_url":"https://api.track.toggl.com/webhooks/api/v1/validate/1/6/abc-123"}"#
        )
        #expect(try TogglWebhookDelivery.decode(Array(body.utf8)) == .ping(validationCode: "abc-123"))
    }

    static let event = """
        {"event_id": 1718293745, "created_at": "2024-05-01T10:00:00.123456789Z", "creator_id": 9547721,
         "metadata": {"action": "updated", "event_user_id": "9547721", "model": "time_entry",
           "path": "/api/v9/workspaces/7435584/time_entries/3095646709", "request_type": "PUT",
           "time_entry_id": "3095646709", "workspace_id": "7435584"},
         "payload": {"id": 3095646709, "workspace_id": 7435584, "project_id": 193791, "billable": false,
           "start": "2024-05-01T09:00:00Z", "stop": null, "duration": -1, "description": "Deep work",
           "tags": null, "tag_ids": null, "at": "2024-05-01T10:00:00.120000Z", "server_deleted_at": null},
         "subscription_id": 6, "timestamp": "2024-05-01T10:00:01.207820267Z", "url_callback": "https://h.example/toggl"}
        """

    @Test("an event decodes with string metadata, nanosecond timestamps and the whole entry")
    func eventDecoding() throws {
        guard case .event(let event) = try TogglWebhookDelivery.decode(Array(Self.event.utf8)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.id == "1718293745")
        #expect(event.action == .updated)
        #expect(event.model == "time_entry")
        #expect(abs(event.timestamp.timeIntervalSince1970 - 1_714_557_601.207820267) < 1e-6)
        #expect(event.subscriptionID == 6)
        #expect(event.workspaceID == 7_435_584)
        #expect(event.entityID == "3095646709")
        let entry = try #require(event.entry)
        #expect(entry.isRunning)
        #expect(entry.tags.isEmpty)
        let remote = entry.remoteEntry(projectNames: [193_791: "Tally"])
        #expect(remote.externalID == "3095646709")
        #expect(remote.project == "Tally")
        #expect(remote.stop == nil)
        #expect(remote.start == Date(timeIntervalSince1970: 1_714_554_000))
    }

    @Test("a deletion whose payload is not a whole entry still names the entry")
    func sparseDeletion() throws {
        let body = """
            {"event_id": 7, "metadata": {"action": "deleted", "model": "time_entry", "time_entry_id": "42", "workspace_id": "5"},
             "payload": {"id": 42}, "subscription_id": 6, "timestamp": "2024-05-01T10:00:01Z"}
            """
        guard case .event(let event) = try TogglWebhookDelivery.decode(Array(body.utf8)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.action == .deleted)
        #expect(event.entityID == "42")
        #expect(event.entry == nil)
    }

    @Test("other models decode without an entry")
    func otherModel() throws {
        let body = """
            {"event_id": "8", "metadata": {"action": "created", "model": "project", "project_id": "9"},
             "payload": {"id": 9, "name": "New"}, "timestamp": "2024-05-01T10:00:01Z"}
            """
        guard case .event(let event) = try TogglWebhookDelivery.decode(Array(body.utf8)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.model == "project")
        #expect(event.entityID == "9")
        #expect(event.entry == nil)
    }

    @Test("bodies that are not a delivery are a decoding error", arguments: [
        "not json", "[]", #"{"payload": {"id": 1}}"#,
        #"{"event_id": 1, "metadata": {"action": "exploded", "model": "time_entry"}, "payload": {}, "timestamp": "2024-05-01T10:00:01Z"}"#,
        #"{"event_id": 1, "metadata": {"action": "created", "model": "time_entry"}, "payload": {"id": 1}, "timestamp": "yesterday"}"#,
        #"{"event_id": 1, "metadata": {"action": "created", "model": "time_entry"}, "payload": {"id": 1}, "timestamp": "2024-05-01T10:00:01Z"}"#,
    ])
    func malformed(body: String) {
        #expect(throws: TogglWebhookDecodingError.self) { try TogglWebhookDelivery.decode(Array(body.utf8)) }
    }

    @Test("an event is stale when its timestamp is too far from now, either way")
    func staleness() {
        let now = Date()
        let event = TogglWebhookEvent(id: "1", action: .created, model: "time_entry", timestamp: now - 10)
        #expect(!event.isStale(now: now))
        #expect(event.isStale(now: now + 600))
        #expect(event.isStale(now: now - 600))
        #expect(!event.isStale(now: now + 600, maximumAge: 900))
    }

    @Test("subscribe, answer the ping with its code, then receive signed events, replays and forgeries")
    func subscriptionRoundTrip() async throws {
        try await WebhookReceiver.run(answer: { path, count in
            path == "/toggl" && count == 0 ? .init(body: #"{"validation_code":"code-1"}"#) : .init()
        }) { receiver in
            try await withToggl(.init(makeValidationCode: { "code-\($0)" })) { fake, client in
                let secret = "whsec-toggl-test"
                let created = try await client.createSubscription(
                    workspaceID: fake.workspaceID, url: receiver.url("/toggl"), secret: secret, description: "Tally")
                #expect(created.enabled)
                #expect(created.validatedAt == nil)
                #expect(created.urlCallback == receiver.url("/toggl"))
                #expect(fake.subscriptions.first?.eventFilters == [.init(entity: "time_entry", action: "*")])
                try await fake.waitUntilValidated()
                let listed = try await client.subscriptions(workspaceID: fake.workspaceID)
                #expect(listed.count == 1)
                #expect(listed.first?.isDelivering == true)

                let ping = try #require(receiver.requests(to: "/toggl").first)
                #expect(TogglWebhookSignature.isValid(header: ping.header(TogglWebhookSignature.headerName), body: ping.body, secret: secret))
                #expect(try TogglWebhookDelivery.decode(ping.body) == .ping(validationCode: "code-1"))

                let project = fake.addProject("Tally")
                let entry = fake.startTimer("Coding", projectID: project.id, tags: ["swift"])
                let sent = await fake.deliver(.created, entry: entry)
                #expect(sent.count == 1)
                #expect(sent.first?.succeeded == true)
                let delivery = try #require(receiver.requests(to: "/toggl").last)
                #expect(TogglWebhookSignature.isValid(header: delivery.header(TogglWebhookSignature.headerName), body: delivery.body, secret: secret))
                let raw = try #require((try JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any])
                let metadata = try #require(raw["metadata"] as? [String: Any])
                #expect(metadata["workspace_id"] as? String == String(fake.workspaceID), "event metadata values are strings")
                let timestamp = try #require(raw["timestamp"] as? String)
                #expect(timestamp.hasSuffix("Z") && timestamp.split(separator: ".").last?.count == 10, "nine fraction digits and Z")
                guard case .event(let event) = try TogglWebhookDelivery.decode(delivery.body) else {
                    Issue.record("not an event")
                    return
                }
                #expect(event.action == .created)
                #expect(event.entityID == String(entry.id))
                #expect(!event.isStale(now: Date()))
                let remote = try #require(event.entry).remoteEntry(projectNames: [project.id: project.name])
                #expect(remote.project == "Tally")
                #expect(remote.tags == ["swift"])
                #expect(remote.isRunning)
                #expect(remote.start == entry.start)

                let eventID = try #require(sent.first?.eventID)
                await fake.redeliver(eventID: eventID, timestamp: Date() - 3600)
                let replay = try #require(receiver.requests(to: "/toggl").last)
                guard case .event(let replayed) = try TogglWebhookDelivery.decode(replay.body) else {
                    Issue.record("not an event")
                    return
                }
                #expect(replayed.id == event.id)
                #expect(replayed.isStale(now: Date()))
                #expect(TogglWebhookSignature.isValid(header: replay.header(TogglWebhookSignature.headerName), body: replay.body, secret: secret))

                await fake.deliver(.updated, entry: entry, signature: .wrongSecret)
                let forged = try #require(receiver.requests(to: "/toggl").last)
                #expect(!TogglWebhookSignature.isValid(header: forged.header(TogglWebhookSignature.headerName), body: forged.body, secret: secret))

                fake.deleteEntry(entry.id)
                await fake.deliver(.deleted, entryID: entry.id)
                let deletion = try #require(receiver.requests(to: "/toggl").last)
                guard case .event(let deleted) = try TogglWebhookDelivery.decode(deletion.body) else {
                    Issue.record("not an event")
                    return
                }
                #expect(deleted.action == .deleted)
                #expect(deleted.entry?.isDeleted == true)

                let second = await togglError {
                    _ = try await client.createSubscription(
                        workspaceID: fake.workspaceID, url: receiver.url("/other"), secret: secret, description: "Other")
                }
                guard case .badRequest(400, _) = second?.reason else {
                    Issue.record("Toggl Free allows one subscription; got \(String(describing: second))")
                    return
                }
            }
        }
    }

    @Test("a subscription whose ping got no code stays unvalidated until the validate URL is called")
    func validateByURL() async throws {
        try await WebhookReceiver.run { receiver in
            try await withToggl { fake, client in
                let created = try await client.createSubscription(
                    workspaceID: fake.workspaceID, url: receiver.url("/toggl"), secret: "s", description: "Tally")
                let ping = try await receiver.wait { !$0.isEmpty }[0]
                let sendsEvents = try await client.subscriptions(workspaceID: fake.workspaceID).first?.isDelivering
                #expect(sendsEvents == false)
                #expect(await fake.deliver(.created, entry: fake.startTimer("x")).isEmpty, "nothing before validation")
                let url = try #require(FakeTogglTestJSON.string(ping.body, "validation_code_url"))
                #expect(url.hasPrefix(fake.webhooksURL + "/validate/\(fake.workspaceID)/\(created.subscriptionID)/"))
                let http = SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1))
                let answer = try await http.send(.GET, url, headers: [("Authorization", client.authorization)])
                #expect(answer.status == 200)
                #expect(try await client.subscriptions(workspaceID: fake.workspaceID).first?.validatedAt != nil)
            }
        }
    }
}

enum FakeTogglTestJSON {
    static func string(_ body: [UInt8], _ key: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?[key] as? String
    }
}
