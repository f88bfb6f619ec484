import Foundation
import Testing
import TallyCore
import TallyServer

@Suite struct ExportsTests {
    @Test func timeEntriesDailyLogsAndAppointmentsExportAsCSV() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            for (day, description) in [(19, "coding, refactoring"), (20, "=cmd"), (22, "outside the range")] {
                let response = try await server.send(
                    .POST, "/v1/time-entries",
                    json: #"{"user_id":"ann","description":"\#(description)","start":"2026-11-\#(day)T08:00:00Z","stop":"2026-11-\#(day)T09:30:00Z"}"#)
                #expect(response.status == 201)
            }
            let entries = try await server.send(.GET, "/v1/exports/time-entries?from=2026-11-19&to=2026-11-20&user_id=ann")
            #expect(entries.status == 200, "\(entries.text)")
            #expect(entries.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = entries.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.hasPrefix("id,user_id,source,external_id,start,stop,duration_seconds") == true)
            #expect(lines.count == 3)
            #expect(lines[1].hasSuffix(#","coding, refactoring""#) && lines[1].contains(",5400,"))
            #expect(lines[2].hasSuffix(",'=cmd"))

            _ = try await server.createDailyLog(user: "ann", date: "2026-11-20")
            let logs = try await server.send(.GET, "/v1/exports/daily-logs?from=2026-11-01&to=2026-11-30")
            #expect(logs.text.hasPrefix("id,user_id,date,reviews,demos,callbacks,notes,created_at,updated_at\r\n"))
            #expect(logs.text.contains(",ann,2026-11-20,5,3,8,,"))

            let visit = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"ann","customer_name":"Familie Jansen","appointment_date":"2026-11-23T14:00:00+01:00","windows":7}"#)
            #expect(visit.status == 201)
            let appointments = try await server.send(.GET, "/v1/exports/appointments?from=2026-11-23&to=2026-11-23&user_id=ann")
            #expect(appointments.text.contains("Familie Jansen,2026-11-23T14:00:00+01:00,scheduled"), "\(appointments.text)")
            #expect(appointments.text.contains(#""{""windows"":7}""#), "\(appointments.text)")

            #expect(try await server.send(.GET, "/v1/exports/time-entries?from=2026-11-20&to=2026-11-19").status == 400)
            #expect(try await server.send(.GET, "/v1/exports/daily-logs?from=yesterday&to=2026-11-19").status == 400)
            #expect(try await server.send(.GET, "/v1/exports/time-entries?from=2026-11-19&to=2026-11-20", key: .some(nil)).status == 401)
        }
    }
}
