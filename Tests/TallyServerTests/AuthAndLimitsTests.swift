import Foundation
import Testing
import TallyClient

@Suite struct AuthAndLimitsTests {
    @Test func healthNeedsNoKey() async throws {
        try await TestServer.run { server in
            let response = try await server.send(.GET, "/health", key: .some(nil))
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["status"] as? String == "ok")
            #expect(body["database"] as? String == "sqlite")
            #expect(body["version"] as? String != nil)
        }
    }

    @Test func missingMalformedAndUnknownKeysAre401ProblemsWithChallenge() async throws {
        try await TestServer.run { server in
            for key in [nil, "nonsense", "tly_" + String(repeating: "a", count: 44)] as [String?] {
                let response = try await server.send(.GET, "/v1/users", key: .some(key))
                #expect(response.status == 401)
                #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                #expect(response.header("Content-Type") == "application/problem+json")
                let problem = try response.json()
                #expect(problem["status"] as? Int == 401)
                #expect(problem["title"] as? String == "Unauthorized")
                #expect(problem["type"] as? String != nil)
            }
        }
    }

    @Test func revokedKeysStopWorkingAtOnce() async throws {
        try await TestServer.run { server in
            let (key, secret) = try await server.client().createAPIKey(name: "temporary", scopes: [.read])
            #expect(try await server.send(.GET, "/v1/users", key: secret).status == 200)
            try await server.client().revokeAPIKey(id: key.id)
            #expect(try await server.send(.GET, "/v1/users", key: secret).status == 401)
            let listed = try await server.client().apiKeys().first { $0.id == key.id }
            #expect(listed?.revokedAt != nil)
            #expect(listed?.prefix.hasPrefix("tly_") == true)
        }
    }

    @Test func scopesAreEnforcedWith403() async throws {
        try await TestServer.run { server in
            let readKey = try await server.makeKey([.read])
            let writeKey = try await server.makeKey([.write])
            _ = try await server.client().createUser(id: "u1", name: "Ann")
            #expect(try await server.send(.GET, "/v1/daily-logs", key: readKey).status == 200)
            let denied = try await server.send(
                .POST, "/v1/daily-logs", key: readKey, json: #"{"user_id":"u1","reviews":1,"demos":1,"callbacks":1}"#)
            #expect(denied.status == 403)
            #expect(denied.header("Content-Type") == "application/problem+json")
            #expect(try await server.send(
                .POST, "/v1/daily-logs", key: writeKey, json: #"{"user_id":"u1","reviews":1,"demos":1,"callbacks":1}"#
            ).status == 201)
            #expect(try await server.send(.POST, "/v1/users", key: writeKey, json: #"{"name":"B"}"#).status == 403)
            #expect(try await server.send(.GET, "/v1/api-keys", key: writeKey).status == 403)
        }
    }

    @Test func rateLimitHeadersAndThe429() async throws {
        try await TestServer.run(configure: { $0.rateLimit = 3 }) { server in
            let key = try await server.makeKey([.read])
            for expectedRemaining in [2, 1, 0] {
                let response = try await server.send(.GET, "/v1/users", key: key)
                #expect(response.status == 200)
                #expect(response.header("X-RateLimit-Limit") == "3")
                #expect(response.header("X-RateLimit-Remaining") == String(expectedRemaining))
                #expect(Int(response.header("X-RateLimit-Reset") ?? "") ?? 0 > Int(Date().timeIntervalSince1970))
                #expect(response.header("RateLimit-Policy") == #""default";q=3;w=60"#)
                #expect(response.header("RateLimit")?.hasPrefix(#""default";r=\#(expectedRemaining);t="#) == true)
            }
            let limited = try await server.send(.GET, "/v1/users", key: key)
            #expect(limited.status == 429)
            #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            #expect(limited.header("Content-Type") == "application/problem+json")
            // Limits are per key: another key is unaffected.
            #expect(try await server.send(.GET, "/v1/users").status == 200)
        }
    }

    @Test func guessingKeysIsRateLimitedPerAddress() async throws {
        try await TestServer.run(configure: { $0.rateLimit = 3 }) { server in
            for _ in 0..<3 {
                #expect(try await server.send(.GET, "/v1/users", key: "tly_wrong").status == 401)
            }
            let limited = try await server.send(.GET, "/v1/users", key: "tly_wrong")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") != nil)
            // There is no key to blame: the answer speaks of the address.
            let detail = try limited.json()["detail"] as? String
            #expect(detail?.contains("without a valid API key from this address") == true, "\(detail ?? "")")
            #expect(detail?.contains("this API key") == false)
        }
    }

    @Test func clientRetries429HonouringRetryAfter() async throws {
        try await TestServer.run(configure: {
            $0.rateLimit = 1
            $0.rateLimitWindow = .seconds(1)
        }) { server in
            let key = try await server.makeKey([.read])
            let client = server.client(key: key, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)))
            _ = try await client.users()
            let started = ContinuousClock.now
            _ = try await client.users()
            #expect(ContinuousClock.now - started >= .milliseconds(900))
        }
        // A minute-long window, so the second call is refused however slow the machine is.
        try await TestServer.run(configure: { $0.rateLimit = 1 }) { server in
            let key = try await server.makeKey([.read])
            let impatient = server.client(key: key, retry: .none)
            _ = try await impatient.users()
            await #expect {
                _ = try await impatient.users()
            } throws: { error in
                guard case TallyClientError.rateLimited(let retryAfter, let problem) = error else { return false }
                return retryAfter != nil && problem?.status == 429
            }
        }
    }

    @Test func clientReports401AsATypedError() async throws {
        try await TestServer.run { server in
            let client = server.client(key: "tly_" + String(repeating: "b", count: 44))
            await #expect {
                _ = try await client.users()
            } throws: { error in
                guard case TallyClientError.unauthorized(let problem) = error else { return false }
                return problem?.status == 401
            }
        }
    }
}
