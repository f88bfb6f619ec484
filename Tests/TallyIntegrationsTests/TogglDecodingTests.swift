import Foundation
import Testing
@testable import TallyIntegrations

/// Toggl's wire quirks: the shapes the reference documents, decoded without a server.
@Suite struct TogglDecodingTests {
    func entry(_ json: String) throws -> TogglTimeEntry {
        try JSONDecoder().decode(TogglTimeEntry.self, from: Data(json.utf8))
    }

    static let documented = """
        {"id": 3095646709, "workspace_id": 7435584, "project_id": 193791, "task_id": null,
         "billable": false, "start": "2023-08-22T11:50:51+00:00", "stop": "2023-08-22T12:40:52+00:00",
         "duration": 3001, "description": "Deep work", "tags": ["coding"], "tag_ids": [12],
         "duronly": true, "at": "2023-08-22T12:43:35+00:00", "server_deleted_at": null,
         "user_id": 9547721, "uid": 9547721, "wid": 7435584, "pid": 193791, "tid": null}
        """

    @Test("the reference's time entry decodes field by field")
    func documentedEntry() throws {
        let decoded = try entry(Self.documented)
        #expect(decoded.id == 3_095_646_709)
        #expect(decoded.workspaceID == 7_435_584)
        #expect(decoded.projectID == 193_791)
        #expect(decoded.description == "Deep work")
        #expect(decoded.tags == ["coding"])
        #expect(decoded.tagIDs == [12])
        #expect(decoded.start == Date(timeIntervalSince1970: 1_692_705_051))
        #expect(decoded.stop == Date(timeIntervalSince1970: 1_692_708_052))
        #expect(decoded.at == Date(timeIntervalSince1970: 1_692_708_215))
        #expect(!decoded.isRunning)
        #expect(!decoded.isDeleted)
    }

    @Test("+00:00, Z, other offsets and fractional seconds up to nanoseconds all parse", arguments: [
        ("2023-08-22T11:50:51+00:00", 1_692_705_051.0),
        ("2023-08-22T11:50:51Z", 1_692_705_051.0),
        ("2023-08-22T13:50:51+02:00", 1_692_705_051.0),
        ("2023-08-22T11:50:51.5Z", 1_692_705_051.5),
        ("2023-08-22T11:50:51.250+00:00", 1_692_705_051.25),
        ("2022-06-25T03:58:10.207820267Z", 1_656_129_490.207820267),
    ])
    func timestamps(text: String, seconds: Double) throws {
        let decoded = try entry(#"{"id": 1, "workspace_id": 2, "start": "\#(text)", "stop": null, "duration": -1}"#)
        #expect(abs(decoded.start.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test("a time that is not RFC 3339 is a decoding error, not a guess")
    func badTimestamp() {
        #expect(throws: DecodingError.self) {
            try entry(#"{"id": 1, "workspace_id": 2, "start": "22/08/2023 11:50", "duration": 1}"#)
        }
    }

    @Test("null tags, tag_ids, project_id and description read as empty")
    func nulls() throws {
        let decoded = try entry(
            #"{"id": 1, "workspace_id": 2, "project_id": null, "description": null, "tags": null, "tag_ids": null, "start": "2024-01-01T00:00:00+00:00", "stop": "2024-01-01T01:00:00+00:00", "duration": 3600}"#
        )
        #expect(decoded.projectID == nil)
        #expect(decoded.tags.isEmpty)
        #expect(decoded.tagIDs.isEmpty)
        #expect(decoded.description.isEmpty)
    }

    @Test("legacy wid and pid stand in for workspace_id and project_id")
    func legacyIDs() throws {
        let decoded = try entry(#"{"id": 1, "wid": 5, "pid": 6, "start": "2024-01-01T00:00:00Z", "duration": -1}"#)
        #expect(decoded.workspaceID == 5)
        #expect(decoded.projectID == 6)
    }

    @Test("running means stop null or a negative duration; elapsed time never comes from duration", arguments: [
        (#""stop": null, "duration": -1"#, true),
        (#""stop": null, "duration": -1704067200"#, true),
        (#""stop": null, "duration": 600"#, true),
        (#""stop": "2024-01-01T00:10:00+00:00", "duration": -1"#, true),
        (#""stop": "2024-01-01T00:10:00+00:00", "duration": 600"#, false),
    ])
    func running(fields: String, isRunning: Bool) throws {
        let decoded = try entry(#"{"id": 1, "workspace_id": 2, "start": "2024-01-01T00:00:00+00:00", \#(fields)}"#)
        #expect(decoded.isRunning == isRunning)
        let remote = decoded.remoteEntry(projectNames: [:])
        #expect(remote.isRunning == isRunning)
        if !isRunning { #expect(remote.stop == Date(timeIntervalSince1970: 1_704_067_800)) }
    }

    @Test("server_deleted_at marks a tombstone")
    func tombstone() throws {
        let decoded = try entry(
            #"{"id": 1, "workspace_id": 2, "start": "2024-01-01T00:00:00+00:00", "stop": "2024-01-01T00:10:00+00:00", "duration": 600, "server_deleted_at": "2024-01-02T09:00:00+00:00"}"#
        )
        #expect(decoded.isDeleted)
        #expect(decoded.serverDeletedAt == Date(timeIntervalSince1970: 1_704_186_000))
    }

    @Test("mapping resolves the project by id and leaves an unknown one empty")
    func mapping() throws {
        let decoded = try entry(Self.documented)
        let remote = decoded.remoteEntry(projectNames: [193_791: "Tally"], timezone: "Europe/Amsterdam")
        #expect(
            remote
                == RemoteTimeEntry(
                    externalID: "3095646709", description: "Deep work", project: "Tally", tags: ["coding"],
                    start: Date(timeIntervalSince1970: 1_692_705_051), stop: Date(timeIntervalSince1970: 1_692_708_052),
                    timezone: "Europe/Amsterdam", changedAt: Date(timeIntervalSince1970: 1_692_708_215)))
        #expect(decoded.remoteEntry(projectNames: [1: "Other"]).project == nil)
    }

    @Test("the other wire types decode, including null optionals")
    func accountTypes() throws {
        let user = try JSONDecoder().decode(
            TogglUser.self,
            from: Data(
                #"{"id": 9547721, "email": "a@example.com", "fullname": "Ada", "timezone": "Europe/Amsterdam", "default_workspace_id": 7435584, "beginning_of_week": 1}"#
                    .utf8))
        #expect(user.defaultWorkspaceID == 7_435_584)
        let subscription = try JSONDecoder().decode(
            TogglSubscription.self,
            from: Data(
                #"{"subscription_id": 6, "workspace_id": 7, "user_id": 8, "url_callback": "https://h.example/toggl", "enabled": true, "description": "Tally", "validated_at": null, "created_at": "2024-01-01T00:00:00.123456Z", "event_filters": [{"entity": "time_entry", "action": "*"}]}"#
                    .utf8))
        #expect(subscription.validatedAt == nil)
        #expect(!subscription.isDelivering)
        let quota = try JSONDecoder().decode(
            [TogglQuota].self,
            from: Data(#"[{"organization_id": 1, "remaining": 29, "resets_in_secs": 3500, "total": 30}]"#.utf8))
        #expect(quota.first?.remaining == 29)
    }

    @Test("a cursor round-trips, and an unreadable or foreign one is no cursor")
    func cursor() throws {
        let cursor = TogglSyncCursor(since: 1_700_000_000, backfilledFrom: 1_690_000_000, workspaceID: 7, projects: ["5": "Tally"])
        #expect(TogglSyncCursor(text: cursor.text) == cursor)
        #expect(TogglSyncCursor(text: cursor.text)?.projectNames == [5: "Tally"])
        #expect(TogglSyncCursor(text: "garbage") == nil)
        #expect(TogglSyncCursor(text: #"{"version": 99, "since": 1, "backfilledFrom": 1, "projects": {}}"#) == nil)
        #expect(TogglSyncCursor(text: nil) == nil)
    }

    @Test("query times are whole seconds with Z, so nothing needs escaping")
    func queryText() {
        #expect(TogglTimestamp.queryText(Date(timeIntervalSince1970: 1_692_705_051.9)) == "2023-08-22T11:50:51Z")
    }
}
