import Foundation
import Testing

@Suite struct ProtocolTests {
    @Test func unknownRoutesAndWrongMethodsAreProblems() async throws {
        try await TestServer.run { server in
            let unknown = try await server.send(.GET, "/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown.header("Content-Type") == "application/problem+json")
            #expect(try unknown.json()["status"] as? Int == 404)

            let outside = try await server.send(.GET, "/nothing", key: .some(nil))
            #expect(outside.status == 404)
            #expect(outside.header("Content-Type") == "application/problem+json")

            let wrongMethod = try await server.send(.PUT, "/v1/daily-logs", json: "{}")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow")?.contains("GET") == true)
            #expect(wrongMethod.header("Allow")?.contains("POST") == true)
            #expect(wrongMethod.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func malformedJSONIs400AndStoresNothing() async throws {
        try await TestServer.run { server in
            let response = try await server.send(.POST, "/v1/users", json: #"{"name": "Ann",,}"#)
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(try response.json()["detail"] as? String != nil)
            #expect(try await server.client().users().isEmpty)
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        try await TestServer.run(configure: { $0.maxBodyBytes = 1024 }) { server in
            let notes = String(repeating: "x", count: 4096)
            let response = try await server.send(.POST, "/v1/users", json: #"{"name":"\#(notes)"}"#)
            #expect(response.status == 413)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(try await server.client().users().isEmpty)
        }
    }

    @Test func everyResponseCarriesARequestId() async throws {
        try await TestServer.run { server in
            let mine = try await server.send(.GET, "/health", key: .some(nil), headers: [("X-Request-Id", "trace-42")])
            #expect(mine.header("X-Request-Id") == "trace-42")
            let generated = try await server.send(.GET, "/v1/users/nobody")
            let id = try #require(generated.header("X-Request-Id"))
            #expect(id.hasPrefix("req_"))
            #expect(try generated.json()["request_id"] as? String == id)
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestServer.run { server in
            _ = try await server.send(.GET, "/v1/users")
            _ = try await server.send(.GET, "/v1/users/nobody")
            let metrics = try await server.send(.GET, "/metrics", key: .some(nil))
            #expect(metrics.status == 200)
            #expect(metrics.text.contains(#"tally_http_requests_total{method="GET",route="/v1/users",status="200"} 1"#))
            #expect(metrics.text.contains(#"route="/v1/users/{id}",status="404"}"#))
            #expect(metrics.text.contains("tally_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("tally_db_operation_duration_seconds") || metrics.text.contains("tally_db"))
        }
    }

    @Test func servesItsOpenAPIDocumentAndAReferencePage() async throws {
        try await TestServer.run { server in
            let spec = try await server.send(.GET, "/openapi.yaml", key: .some(nil))
            #expect(spec.status == 200)
            let file = try String(contentsOf: packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
            #expect(spec.text == file)

            let docs = try await server.send(.GET, "/docs", key: .some(nil))
            #expect(docs.status == 200)
            #expect(docs.header("Content-Type")?.hasPrefix("text/html") == true)
            for operation in ["listDailyLogs", "createAppointment", "revokeAPIKey"] {
                #expect(docs.text.contains(#"id="\#(operation)""#))
            }
            #expect(docs.text.contains(#"id="problem-validation-failed""#))
            // Nothing is loaded from elsewhere: no script, style or image from another host.
            for attribute in ["src=\"http", "href=\"http", "src='http", "@import", "url(http"] {
                #expect(!docs.text.contains(attribute), "the page loads \(attribute)…")
            }
        }
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
