import Foundation
import TallyCore
import TallyTestSupport
import Testing
@testable import TallyIntegrations

@Suite struct ClockifyWebhookTests {
    static let entryJSON = """
        {"id": "63b03060b01ebfad292c61ed", "description": "Sprint planning", "tagIds": ["64a100000000000000000001", "64a100000000000000000002"],
         "userId": "b4de890ff78038db26859c0a", "billable": true, "taskId": null,
         "projectId": "97210bf336f73c996f45f6e1", "workspaceId": "79d95471c93cff26089752cc",
         "timeInterval": {"start": "2023-08-28T05:48:00Z", "end": "2023-08-28T08:42:00Z", "duration": "PT2H54M"},
         "type": "REGULAR", "isLocked": false}
        """
    static let projects = ["97210bf336f73c996f45f6e1": "Planning"]
    static let tags = ["64a100000000000000000001": "meeting", "64a100000000000000000002": "team"]

    @Test("the signature header must be the webhook's token itself")
    func signature() {
        let token = "f0c2a6d1b4e34c8f9a7d2e6b1c3f5a7d"
        #expect(ClockifyWebhookSignature.isValid(header: token, token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: nil, token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: "", token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: String(token.dropLast()), token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: token + "0", token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: token.uppercased(), token: token))
        #expect(!ClockifyWebhookSignature.isValid(header: "", token: ""))
        #expect(ClockifyWebhookSignature.headerName == "Clockify-Signature")
    }

    @Test("every time-entry event but a deletion upserts", arguments: ClockifyWebhookEvent.allCases)
    func events(event: ClockifyWebhookEvent) throws {
        let delivery = try ClockifyWebhookDelivery.decode(
            eventType: event.rawValue, body: Array(Self.entryJSON.utf8), projectNames: Self.projects, tagNames: Self.tags,
            timeZone: "Europe/Amsterdam")
        let entry = RemoteTimeEntry(
            externalID: "63b03060b01ebfad292c61ed", description: "Sprint planning", project: "Planning", tags: ["meeting", "team"],
            start: ClockifyFixtures.date("2023-08-28T05:48:00Z"), stop: ClockifyFixtures.date("2023-08-28T08:42:00Z"),
            timezone: "Europe/Amsterdam")
        #expect(delivery.event == event)
        #expect(delivery.changes == [event == .timeEntryDeleted ? .delete(entry) : .upsert(entry)])
    }

    @Test("embedded project and tags name the entry even when the maps do not know the ids")
    func embeddedNames() throws {
        let body = """
            {"id": "63b03060b01ebfad292c61ee", "description": null, "tagIds": ["64a100000000000000000009"], "userId": "u1",
             "projectId": "97210bf336f73c996f45f6e9", "timeInterval": {"start": "2026-11-23T09:00:00.000Z", "end": null, "duration": null},
             "project": {"id": "97210bf336f73c996f45f6e9", "name": "Tally", "color": "#fff", "archived": false},
             "tags": [{"id": "64a100000000000000000009", "name": "deep work", "archived": false}],
             "user": {"id": "u1", "name": "Someone"}}
            """
        let delivery = try ClockifyWebhookDelivery.decode(eventType: "NEW_TIMER_STARTED", body: Array(body.utf8))
        guard case .upsert(let entry) = delivery.changes.first else {
            Issue.record("expected one upsert, got \(delivery.changes)")
            return
        }
        #expect(entry.project == "Tally" && entry.tags == ["deep work"] && entry.description == "")
        #expect(entry.isRunning && entry.start == ClockifyFixtures.date("2026-11-23T09:00:00Z"))
    }

    @Test("ids the maps do not know and nothing embeds are left out; null tagIds is no tags")
    func unknownIDs() throws {
        let body = Self.entryJSON.replacingOccurrences(of: "[\"64a100000000000000000001\", \"64a100000000000000000002\"]", with: "null")
        let delivery = try ClockifyWebhookDelivery.decode(eventType: "TIME_ENTRY_UPDATED", body: Array(body.utf8))
        guard case .upsert(let entry) = delivery.changes.first else {
            Issue.record("expected one upsert")
            return
        }
        #expect(entry.project == nil && entry.tags.isEmpty)
    }

    @Test("another user's entry in the workspace changes nothing")
    func otherUser() throws {
        let mine = try ClockifyWebhookDelivery.decode(eventType: "NEW_TIME_ENTRY", body: Array(Self.entryJSON.utf8), userID: "b4de890ff78038db26859c0a")
        let theirs = try ClockifyWebhookDelivery.decode(eventType: "NEW_TIME_ENTRY", body: Array(Self.entryJSON.utf8), userID: "aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(mine.changes.count == 1)
        #expect(theirs.changes.isEmpty)
    }

    @Test("a split that carries both halves upserts both")
    func splitArray() throws {
        let second = Self.entryJSON.replacingOccurrences(of: "63b03060b01ebfad292c61ed", with: "63b03060b01ebfad292c61ff")
        let delivery = try ClockifyWebhookDelivery.decode(eventType: "TIME_ENTRY_SPLIT", body: Array("[\(Self.entryJSON), \(second)]".utf8))
        #expect(delivery.changes.count == 2)
    }

    @Test("a missing or foreign event type and a body that is no time entry are typed errors")
    func errors() {
        #expect(throws: ClockifyWebhookError.missingEventType) {
            try ClockifyWebhookDelivery.decode(eventType: nil, body: Array(Self.entryJSON.utf8))
        }
        #expect(throws: ClockifyWebhookError.unsupportedEvent("NEW_PROJECT")) {
            try ClockifyWebhookDelivery.decode(eventType: "NEW_PROJECT", body: Array(Self.entryJSON.utf8))
        }
        for body in ["", "{}", "{\"id\": \"x\"}", "{\"id\": \"x\", \"timeInterval\": {\"start\": \"yesterday\"}}", "[1]"] {
            do {
                _ = try ClockifyWebhookDelivery.decode(eventType: "NEW_TIME_ENTRY", body: Array(body.utf8))
                Issue.record("decoded \(body)")
            } catch {
                guard case .malformedBody(let reason) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(!reason.contains("\n"))
            }
        }
    }

    @Test("a delivery from the fake over HTTP: the token in the header, the bare entry in the body")
    func overHTTP() async throws {
        try await FakeClockify.run { fake in
            let project = fake.addProject("Tally")
            let tag = fake.addTag("deep work")
            let id = fake.addEntry("Webhook", start: ClockifyFixtures.date("2026-11-23T09:00:00Z"), end: nil, projectID: project, tagIDs: [tag])
            let token = "9c1e5b7a3d2f4e6a8b0c1d2e3f4a5b6c"
            try await WebhookReceiver.run { receiver in
                let entry = try #require(fake.entry(id))
                let status = try await fake.deliver(event: .newTimerStarted, entry: entry, to: receiver.url("/webhooks/clockify"), token: token)
                #expect(status == 200)
                fake.deleteEntry(id)
                try await fake.deliver(event: .timeEntryDeleted, entry: entry, to: receiver.url("/webhooks/clockify"), token: token)
                let received = receiver.requests(to: "/webhooks/clockify")
                #expect(received.count == 2)
                for request in received {
                    #expect(ClockifyWebhookSignature.isValid(header: request.header(ClockifyWebhookSignature.headerName), token: token))
                    #expect(!ClockifyWebhookSignature.isValid(header: request.header(ClockifyWebhookSignature.headerName), token: "other"))
                }
                let started = try ClockifyWebhookDelivery.decode(
                    eventType: received[0].header(ClockifyWebhookEvent.headerName), body: received[0].body, userID: fake.userID)
                let deleted = try ClockifyWebhookDelivery.decode(
                    eventType: received[1].header(ClockifyWebhookEvent.headerName), body: received[1].body, userID: fake.userID)
                let expected = RemoteTimeEntry(
                    externalID: id, description: "Webhook", project: "Tally", tags: ["deep work"],
                    start: ClockifyFixtures.date("2026-11-23T09:00:00Z"), stop: nil)
                #expect(started.changes == [.upsert(expected)])
                #expect(deleted.changes == [.delete(expected)])
            }
        }
    }
}
