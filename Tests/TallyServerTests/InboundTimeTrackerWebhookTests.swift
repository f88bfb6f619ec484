import Crypto
import Foundation
import Testing
import TallyCore
import TallyIntegrations
import TallyServer
import TallyStore

/// POST /webhooks/toggl and /webhooks/clockify over real HTTP.
@Suite struct InboundTimeTrackerWebhookTests {
    static let togglSecret = "toggl-secret-0123456789"
    static let clockifyToken = "clockify-token-abcdef"

    static func run(_ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.run(configure: {
            $0.integrations.togglWebhookSecret = togglSecret
            $0.integrations.clockifyWebhookTokens = ["another-webhooks-token", clockifyToken]
        }) { server in
            try await server.createUser("ann")
            // What a first sync leaves behind: the Toggl user (6) and the Clockify account.
            try await server.saveSyncCursor(.toggl, #"{"version":1,"since":0,"backfilledFrom":0,"projects":{},"userID":6}"#)
            try await server.saveSyncCursor(
                .clockify,
                ClockifySyncState(
                    account: ClockifyAccount(
                        workspaceID: "79d95471c93cff26089752cc", userID: "b4de890ff78038db26859c0a", timeZone: "Europe/Amsterdam",
                        fetchedAt: Date())
                ).cursor)
            try await body(server)
        }
    }

    static func signature(_ body: String, secret: String = togglSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func togglEvent(
        id: Int, action: String, entryID: Int, description: String, timestamp: Date = Date(), at: Date? = nil
    ) -> String {
        let whole = Date(timeIntervalSince1970: timestamp.timeIntervalSince1970.rounded(.down))
        let stamp = RFC3339.format(whole).replacingOccurrences(of: ".000Z", with: ".207820267Z")
        let changed = RFC3339.format(Date(timeIntervalSince1970: (at ?? whole).timeIntervalSince1970.rounded(.down)))
        return #"{"event_id":\#(id),"created_at":"\#(stamp)","creator_id":6,"metadata":{"action":"\#(action)","model":"time_entry","event_user_id":"6","path":"/api/v9/workspaces/7/time_entries","request_type":"POST","time_entry_id":"\#(entryID)","workspace_id":"7"},"payload":{"id":\#(entryID),"workspace_id":7,"project_id":null,"billable":false,"start":"2026-11-20T08:00:00Z","stop":"2026-11-20T09:00:00.5Z","duration":3600,"description":"\#(description)","tags":["focus"],"tag_ids":[1],"at":"\#(changed)","server_deleted_at":null,"user_id":6},"subscription_id":6,"timestamp":"\#(stamp)","url_callback":"https://tally.example/webhooks/toggl"}"#
    }

    func postToggl(_ server: TestServer, _ body: String, signature: String? = nil) async throws -> RawResponse {
        try await server.send(
            .POST, "/webhooks/toggl", key: .some(nil),
            headers: [("X-Webhook-Signature-256", signature ?? Self.signature(body))], json: body)
    }

    @Test func togglsDocumentedTestVectorValidatesAPing() async throws {
        let body = #"{"event_id":0,"created_at":"2022-06-25T03:58:10.207820267Z","creator_id":6,"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6,"timestamp":"2022-06-25T03:58:10.207820267Z","url_callback":"https://callback-url.com"}"#
        try await TestServer.run(configure: { $0.integrations.togglWebhookSecret = "PGuRrhCFajIyEvFlreKL" }) { server in
            let signed = try await server.send(
                .POST, "/webhooks/toggl", key: .some(nil),
                headers: [("X-Webhook-Signature-256", "sha256=bf829606cda0ca6923defb5ca70a43135adc7e8887486a201a19cb50ca6006b1")],
                json: body)
            #expect(signed.status == 200)
            let tampered = try await server.send(
                .POST, "/webhooks/toggl", key: .some(nil),
                headers: [("X-Webhook-Signature-256", "sha256=bf829606cda0ca6923defb5ca70a43135adc7e8887486a201a19cb50ca6006b2")],
                json: body)
            #expect(tampered.status == 401)
        }
    }

    @Test func aValidationPingIsAnsweredWithItsCode() async throws {
        try await Self.run { server in
            let body = #"{"event_id":0,"created_at":"2026-11-20T08:00:00Z","creator_id":6,"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6,"timestamp":"2026-11-20T08:00:00Z","url_callback":"https://x/webhooks/toggl","validation_code":"abc-123","validation_code_url":"https://api.track.toggl.com/webhooks/api/v1/validate/7/6/abc-123"}"#
            let response = try await postToggl(server, body)
            #expect(response.status == 200)
            #expect(try response.json()["validation_code"] as? String == "abc-123")
        }
    }

    @Test func eventsApplyOnceAndDeletionsRemove() async throws {
        try await Self.run { server in
            let created = try await postToggl(server, Self.togglEvent(id: 101, action: "created", entryID: 555, description: "Deep work sessie"))
            #expect(created.status == 200, "\(created.text)")
            #expect(try created.json()["created"] as? Int == 1)
            let stored = try #require(try await server.store.timeEntry(userID: "ann", source: .toggl, externalID: "555"))
            #expect(stored.description == "Deep work sessie" && stored.category == "Work" && stored.userID == "ann")
            let replay = try await postToggl(server, Self.togglEvent(id: 101, action: "created", entryID: 555, description: "Deep work sessie"))
            #expect(try replay.json()["status"] as? String == "duplicate")
            let updated = try await postToggl(server, Self.togglEvent(id: 102, action: "updated", entryID: 555, description: "Netflix"))
            #expect(try updated.json()["updated"] as? Int == 1)
            #expect(try await server.store.timeEntry(userID: "ann", source: .toggl, externalID: "555")?.category == "Entertainment")
            let deleted = try await postToggl(server, Self.togglEvent(id: 103, action: "deleted", entryID: 555, description: "Netflix"))
            #expect(try deleted.json()["deleted"] as? Int == 1)
            #expect(try await server.store.timeEntry(userID: "ann", source: .toggl, externalID: "555") == nil)
        }
    }

    @Test func aLateRetryOfAnOlderChangeDoesNotOverwriteANewerOne() async throws {
        try await Self.run { server in
            let now = Date()
            let newer = Self.togglEvent(id: 401, action: "updated", entryID: 950, description: "Netflix", at: now)
            #expect(try await postToggl(server, newer).status == 200)
            let older = Self.togglEvent(id: 400, action: "updated", entryID: 950, description: "coding", at: now.addingTimeInterval(-600))
            let retried = try await postToggl(server, older)
            #expect(try retried.json()["updated"] as? Int == 0, "\(retried.text)")
            #expect(try await server.store.timeEntry(userID: "ann", source: .toggl, externalID: "950")?.description == "Netflix")
        }
    }

    @Test func eventsWaitForTheFirstSyncAndColleaguesEntriesAreIgnored() async throws {
        try await TestServer.run(configure: { $0.integrations.togglWebhookSecret = Self.togglSecret }) { server in
            try await server.createUser("ann")
            let early = try await postToggl(server, Self.togglEvent(id: 301, action: "created", entryID: 900, description: "coding"))
            #expect(try early.json()["status"] as? String == "ignored")
            try await server.saveSyncCursor(.toggl, #"{"version":1,"since":0,"backfilledFrom":0,"projects":{},"userID":7}"#)
            let colleague = try await postToggl(server, Self.togglEvent(id: 302, action: "created", entryID: 901, description: "coding"))
            #expect(try colleague.json()["reason"] as? String == "another user's entry")
            #expect(try await server.store.timeEntries(userID: nil, source: .toggl).isEmpty)
        }
    }

    @Test func badSignaturesStaleTimestampsAndJunkChangeNothing() async throws {
        try await Self.run { server in
            let body = Self.togglEvent(id: 201, action: "created", entryID: 777, description: "coding")
            #expect(try await postToggl(server, body, signature: "sha256=00").status == 401)
            #expect(try await postToggl(server, body, signature: Self.signature(body, secret: "wrong-secret-000")).status == 401)
            let noHeader = try await server.send(.POST, "/webhooks/toggl", key: .some(nil), json: body)
            #expect(noHeader.status == 401)
            let stale = Self.togglEvent(id: 202, action: "created", entryID: 778, description: "coding", timestamp: Date().addingTimeInterval(-3600))
            let staleResponse = try await postToggl(server, stale)
            #expect(staleResponse.status == 401)
            #expect(staleResponse.text.contains("timestamp"))
            let junk = try await postToggl(server, "{not json")
            #expect(junk.status == 400)
            #expect(junk.header("Content-Type") == "application/problem+json")
            #expect(try await server.store.timeEntries(userID: nil, source: .toggl).isEmpty)
        }
    }

    @Test func theRoutesAreOffWithoutTheirSecrets() async throws {
        try await TestServer.run { server in
            let toggl = try await server.send(.POST, "/webhooks/toggl", key: .some(nil), json: "{}")
            #expect(toggl.status == 503 && toggl.text.contains("TOGGL_WEBHOOK_SECRET"))
            let clockify = try await server.send(.POST, "/webhooks/clockify", key: .some(nil), json: "{}")
            #expect(clockify.status == 503 && clockify.text.contains("CLOCKIFY_WEBHOOK_TOKEN"))
        }
    }

    static func clockifyEntry(id: String, description: String, end: String? = "2026-11-20T09:00:00Z") -> String {
        let endText = end.map { "\"\($0)\"" } ?? "null"
        return #"{"id":"\#(id)","description":"\#(description)","tagIds":null,"userId":"b4de890ff78038db26859c0a","billable":false,"taskId":null,"projectId":null,"workspaceId":"79d95471c93cff26089752cc","timeInterval":{"start":"2026-11-20T08:00:00Z","end":\#(endText),"duration":\#(end == nil ? "null" : "\"PT1H\"")},"type":"REGULAR","isLocked":false}"#
    }

    func postClockify(_ server: TestServer, event: String, _ body: String, token: String = clockifyToken) async throws -> RawResponse {
        try await server.send(
            .POST, "/webhooks/clockify", key: .some(nil),
            headers: [("Clockify-Signature", token), ("Clockify-Webhook-Event-Type", event)], json: body)
    }

    @Test func clockifyDeliveriesUpsertAndDelete() async throws {
        try await Self.run { server in
            let id = "63b03060b01ebfad292c61ed"
            #expect(try await postClockify(server, event: "NEW_TIMER_STARTED", Self.clockifyEntry(id: id, description: "yoga", end: nil)).status == 200)
            let running = try #require(try await server.store.timeEntry(userID: "ann", source: .clockify, externalID: id))
            #expect(running.stop == nil && running.category == "Yoga")
            #expect(try await postClockify(server, event: "TIMER_STOPPED", Self.clockifyEntry(id: id, description: "yoga")).status == 200)
            #expect(try await server.store.timeEntry(userID: "ann", source: .clockify, externalID: id)?.durationSeconds == 3600)
            let again = try await postClockify(server, event: "TIMER_STOPPED", Self.clockifyEntry(id: id, description: "yoga"))
            #expect(try again.json()["updated"] as? Int == 0)
            #expect(try await postClockify(server, event: "TIME_ENTRY_DELETED", Self.clockifyEntry(id: id, description: "yoga")).status == 200)
            #expect(try await server.store.timeEntry(userID: "ann", source: .clockify, externalID: id) == nil)
        }
    }

    @Test func clockifyNeedsItsToken() async throws {
        try await Self.run { server in
            let body = Self.clockifyEntry(id: "63b03060b01ebfad292c61ee", description: "x")
            #expect(try await postClockify(server, event: "NEW_TIME_ENTRY", body, token: "wrong").status == 401)
            let missing = try await server.send(
                .POST, "/webhooks/clockify", key: .some(nil), headers: [("Clockify-Webhook-Event-Type", "NEW_TIME_ENTRY")], json: body)
            #expect(missing.status == 401)
            #expect(try await postClockify(server, event: "NEW_TIME_ENTRY", "[oops").status == 400)
            #expect(try await postClockify(server, event: "NEW_PROJECT", "{}").status == 200)
            #expect(try await server.store.timeEntries(userID: nil, source: .clockify).isEmpty)
        }
    }
}

extension TestServer {
    /// Stores a source's sync cursor as a successful sync would.
    func saveSyncCursor(_ source: TimeEntrySource, _ cursor: String) async throws {
        let now = Date()
        _ = try await store.applySync(
            SyncBatch(
                source: source, userID: "ann", entries: [], deletedExternalIDs: [], completeWindow: nil,
                state: SyncState(source: source, cursor: cursor, lastSuccessAt: now),
                run: SyncRun(source: source, startedAt: now, finishedAt: now, requests: 0)))
    }
}
