import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TallyTestSupport
import Testing
@testable import TallyIntegrations

/// The fake itself, over raw HTTP: what the end-to-end tests of `tally` rely on it to do.
@Suite struct ClockifyFakeTests {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: Any?
    }

    func call(_ fake: FakeClockify, _ path: String, method: HTTPMethod = .GET, key: String? = nil, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: fake.apiURL + path)
        request.method = method
        request.headers.add(name: "X-Api-Key", value: key ?? fake.apiKey)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Answer(
            status: Int(response.status.code), headers: response.headers,
            json: try? JSONSerialization.jsonObject(with: Data(buffer: bytes)))
    }

    @Test("pages of 50 by default, newest first, with Last-Page")
    func defaultPaging() async throws {
        try await FakeClockify.run { fake in
            let base = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            for index in 0..<60 { fake.addEntry("e\(index)", start: base.addingTimeInterval(Double(index) * 60), end: base.addingTimeInterval(Double(index) * 60 + 30)) }
            let path = "/workspaces/\(fake.workspaceID)/user/\(fake.userID)/time-entries"
            let first = try await call(fake, path)
            let firstPage = try #require(first.json as? [[String: Any]])
            #expect(firstPage.count == 50)
            #expect(firstPage.first?["description"] as? String == "e59")
            #expect(first.headers.first(name: "Last-Page") == "false")
            let second = try await call(fake, path + "?page=2")
            #expect((second.json as? [Any])?.count == 10)
            #expect(second.headers.first(name: "Last-Page") == "true")
            #expect(try await call(fake, path + "?page-size=0").status == 400)
        }
    }

    @Test("entries: 24-hex ids, ISO durations with days, null end while running, hydrated names")
    func entryShape() async throws {
        try await FakeClockify.run { fake in
            let project = fake.addProject("Tally")
            let tag = fake.addTag("deep work")
            let start = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            fake.addEntry("long", start: start, end: start.addingTimeInterval(26 * 3600), projectID: project, tagIDs: [tag])
            fake.addEntry("running", start: start.addingTimeInterval(27 * 3600), end: nil)
            let path = "/workspaces/\(fake.workspaceID)/user/\(fake.userID)/time-entries?hydrated=true"
            let list = try #require(try await call(fake, path).json as? [[String: Any]])
            let running = try #require(list.first)
            let long = try #require(list.last)
            let runningInterval = try #require(running["timeInterval"] as? [String: Any])
            #expect(runningInterval["end"] is NSNull && runningInterval["duration"] is NSNull)
            #expect(running["tagIds"] is NSNull)
            let interval = try #require(long["timeInterval"] as? [String: Any])
            #expect(interval["duration"] as? String == "P1DT2H")
            #expect(interval["start"] as? String == "2026-11-02T08:00:00Z")
            #expect((long["project"] as? [String: Any])?["name"] as? String == "Tally")
            #expect(((long["tags"] as? [[String: Any]])?.first)?["name"] as? String == "deep work")
            let id = try #require(long["id"] as? String)
            #expect(id.count == 24 && id.allSatisfy(\.isHexDigit))
            let decoded = try JSONDecoder().decode(ClockifyTimeEntry.self, from: JSONSerialization.data(withJSONObject: long))
            #expect(decoded.durationSeconds == 93_600.0)
        }
    }

    @Test("a bad key is 401, another workspace 403, an unknown route 404, stop with no timer 404")
    func refusals() async throws {
        try await FakeClockify.run { fake in
            let unauthorised = try await call(fake, "/user", key: "nope")
            #expect(unauthorised.status == 401)
            #expect((unauthorised.json as? [String: Any])?["message"] as? String == "Full authentication is required to access this resource")
            #expect(try await call(fake, "/workspaces/000000000000000000000000/projects").status == 403)
            #expect(try await call(fake, "/workspaces/\(fake.workspaceID)/clients").status == 404)
            let stop = try await call(
                fake, "/workspaces/\(fake.workspaceID)/user/\(fake.userID)/time-entries", method: .PATCH, body: "{\"end\": \"2026-11-02T08:00:00Z\"}")
            #expect(stop.status == 404)
            #expect(fake.requestCount(path: "/time-entries") == 1)
            #expect(fake.requests.map(\.status) == [401, 403, 404, 404])
        }
    }

    @Test("over the hourly limit: 429 \"Too many requests\" without Retry-After")
    func hourlyLimit() async throws {
        try await FakeClockify.run(hourlyRequestLimit: 2) { fake in
            _ = try await call(fake, "/user")
            _ = try await call(fake, "/user")
            let limited = try await call(fake, "/user")
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "Retry-After") == nil)
            #expect((limited.json as? [String: Any])?["message"] as? String == "Too many requests")
        }
    }

    @Test("a new timer stops the running one where the new one starts")
    func oneTimer() async throws {
        try await FakeClockify.run { fake in
            let start = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            let first = fake.addEntry("first", start: start, end: nil)
            let answer = try await call(
                fake, "/workspaces/\(fake.workspaceID)/time-entries", method: .POST, body: "{\"start\": \"2026-11-02T09:00:00Z\", \"description\": \"second\"}")
            #expect(answer.status == 201)
            #expect(fake.entry(first)?.end == start.addingTimeInterval(3600))
            #expect(fake.runningEntry?.description == "second")
        }
    }
}
