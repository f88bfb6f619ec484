import Foundation
import TallyTestSupport
import GRDB
import Testing
import TallyCore
import TallyServer
import TallyWebhooks

@Suite struct WebhooksTests {
    @Test func endpointsAreManagedAndTheSecretIsShownOnce() async throws {
        try await TestServer.run { server in
            let created = try await server.send(
                .POST, "/v1/webhooks",
                json: #"{"url":"http://127.0.0.1:9/hook","events":["daily_log.created"],"description":"CRM"}"#)
            #expect(created.status == 201)
            let object = try created.json()
            let id = try #require(object["id"] as? String)
            let secret = try #require(object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(created.header("Location") == "/v1/webhooks/\(id)")
            #expect(object["status"] as? String == "active")

            let fetched = try await server.send(.GET, "/v1/webhooks/\(id)")
            #expect(fetched.status == 200)
            #expect(try fetched.json()["secret"] == nil)
            #expect(!fetched.text.contains(secret))
            let listed = try await server.send(.GET, "/v1/webhooks")
            #expect(!listed.text.contains(secret))
            #expect(listed.text.contains(id))

            let patched = try await server.send(
                .PATCH, "/v1/webhooks/\(id)", json: #"{"events":["*"],"description":null,"enabled":false}"#)
            #expect(patched.status == 200)
            let patchedObject = try patched.json()
            #expect(patchedObject["events"] as? [String] == ["*"])
            #expect(patchedObject["description"] == nil)
            #expect(patchedObject["status"] as? String == "disabled")

            // The secret is stored sealed: its text appears nowhere in the database file.
            let stored = try await server.store.webhookEndpoint(id: id)
            let sealed = try #require(stored?.secrets.current)
            #expect(!String(decoding: sealed, as: UTF8.self).contains(secret.dropFirst(6)))
            #expect(try server.secretBox.open(sealed, for: id).text == secret)
            #expect(throws: SecretKeyError.self) { try server.secretBox.open(sealed, for: "wh_other") }

            #expect(try await server.send(.DELETE, "/v1/webhooks/\(id)").status == 204)
            #expect(try await server.send(.GET, "/v1/webhooks/\(id)").status == 404)
        }
    }

    @Test func badSubscriptionsAreRefusedWithFieldErrors() async throws {
        try await TestServer.run { server in
            let unknownEvent = try await server.send(
                .POST, "/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/","events":["daily_log.exploded"]}"#)
            #expect(unknownEvent.status == 422)
            #expect(unknownEvent.text.contains("#/events/0"))
            let notHTTP = try await server.send(.POST, "/v1/webhooks", json: #"{"url":"ftp://example.com/","events":["*"]}"#)
            #expect(notHTTP.status == 422)
            #expect(notHTTP.text.contains("#/url"))
            let memberKey = try await server.makeKey([.read, .write])
            #expect(try await server.send(.GET, "/v1/webhooks", key: memberKey).status == 403)
            #expect(try await server.send(.GET, "/v1/webhooks").text.contains(#""webhooks":[]"#))
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "http://[fd00:ec2::254]/", "http://0.0.0.0/",
        // IPv6 forms that carry an internal IPv4 address (the outside probe's finds).
        "http://[::127.0.0.1]/", "http://[64:ff9b::127.0.0.1]/", "http://[2002:7f00:1::1]/",
        "http://[::ffff:0:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b:1::a00:1]/",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    ])
    func internalAddressesAreRefusedUnlessAllowed(url: String) async throws {
        try await TestServer.run(configure: { $0.webhookAllowPrivate = false }) { server in
            let response = try await server.send(.POST, "/v1/webhooks", json: #"{"url":"\#(url)","events":["*"]}"#)
            #expect(response.status == 422)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.text.contains("TALLY_WEBHOOK_ALLOW_PRIVATE"))
        }
    }

    @Test func publicAddressesPassTheURLPolicy() async throws {
        let policy = WebhookURLPolicy(allowPrivateAddresses: false)
        try await policy.check("https://93.184.216.34/hook")
        try await policy.check("http://[2606:4700::1111]/hook")
    }

    @Test func deliveriesAreSignedInBothSchemesAndCarryTheAPIObject() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestServer.run { server in
                let (_, secret) = try await server.subscribe(receiver.url(), events: ["daily_log.created", "appointment.created"])
                try await server.createUser()
                let log = try await server.createDailyLog(date: "2026-11-20")
                let appointment = try await server.send(
                    .POST, "/v1/appointments",
                    json: #"{"user_id":"user123","customer_name":"Ann","appointment_date":"2026-11-23T14:00:00Z","source":"web"}"#)
                #expect(appointment.status == 201)

                let received = try await receiver.wait { $0.count >= 2 }
                #expect(received.count == 2, "user.created is not subscribed, so only two arrive")
                let logDelivery = try #require(received.first { $0.header("X-Webhook-Event") == "daily_log.created" })
                #expect(SignatureCheck.seed(body: logDelivery.body, secret: secret, signature: logDelivery.header("X-Webhook-Signature")))
                let eventID = try #require(logDelivery.header("webhook-id"))
                let timestamp = try #require(logDelivery.header("webhook-timestamp"))
                #expect(timestamp == logDelivery.header("X-Webhook-Timestamp"))
                #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 60)
                #expect(
                    SignatureCheck.standard(
                        id: eventID, timestamp: timestamp, body: logDelivery.body, secret: secret,
                        header: logDelivery.header("webhook-signature")))
                #expect(!SignatureCheck.seed(body: logDelivery.body + [0x20], secret: secret, signature: logDelivery.header("X-Webhook-Signature")))
                #expect(logDelivery.header("Content-Type") == "application/json")
                #expect(logDelivery.header("User-Agent") == "Tally-Webhooks/\(TallyVersion.current)")

                let envelope = logDelivery.json
                #expect(envelope["id"] as? String == eventID)
                #expect(eventID.hasPrefix("evt_"))
                #expect(envelope["type"] as? String == "daily_log.created")
                #expect(envelope["created_at"] is String)
                let data = try #require(envelope["data"] as? [String: Any])
                let fetched = try await server.send(.GET, "/v1/daily-logs/\(log["id"] as! String)").json()
                #expect(NSDictionary(dictionary: data) == NSDictionary(dictionary: fetched))

                let appointmentDelivery = try #require(received.first { $0.header("X-Webhook-Event") == "appointment.created" })
                let appointmentData = try #require(appointmentDelivery.json["data"] as? [String: Any])
                let appointmentObject = try appointment.json()
                #expect(NSDictionary(dictionary: appointmentData) == NSDictionary(dictionary: appointmentObject))
            }
        }
    }

    @Test func everyChangeHasItsEvent() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestServer.run { server in
                _ = try await server.subscribe(receiver.url())
                try await server.createUser()
                let log = try await server.createDailyLog(date: "2026-11-20")
                let logID = log["id"] as! String
                #expect(try await server.send(.PATCH, "/v1/daily-logs/\(logID)", json: #"{"demos":4}"#).status == 200)
                // A failed change records nothing.
                #expect(try await server.send(.POST, "/v1/daily-logs", json: #"{"user_id":"user123","date":"2026-11-20","reviews":1,"demos":1,"callbacks":1}"#).status == 409)
                #expect(try await server.send(.DELETE, "/v1/daily-logs/\(logID)").status == 204)
                #expect(try await server.send(.PATCH, "/v1/users/user123", json: #"{"name":"Sam"}"#).status == 200)
                #expect(try await server.send(.DELETE, "/v1/users/user123").status == 204)
                let expected = [
                    "user.created", "daily_log.created", "daily_log.updated", "daily_log.deleted", "user.updated", "user.deleted",
                ]
                let received = try await receiver.wait { $0.count >= expected.count }
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.all.count == expected.count)
                #expect(Set(received.compactMap { $0.header("X-Webhook-Event") }) == Set(expected))
                let deleted = try #require(received.first { $0.header("X-Webhook-Event") == "daily_log.deleted" })
                #expect((deleted.json["data"] as? [String: Any])?["demos"] as? Int == 4)
            }
        }
    }

    @Test func failedAttemptsAreRetriedOnTheScheduleAndLogged() async throws {
        try await WebhookReceiver.run(answer: { _, count in
            count < 2 ? .init(status: .internalServerError, body: "database down") : .init(body: "thanks")
        }) { receiver in
            try await TestServer.run(configure: { $0.quickWebhookRetries() }) { server in
                let (id, _) = try await server.subscribe(receiver.url(), events: ["user.created"])
                try await server.createUser()
                let received = try await receiver.wait { $0.count >= 3 }
                #expect(Set(received.compactMap { $0.header("webhook-id") }).count == 1, "retries keep the event id")
                #expect(received[1].at.timeIntervalSince(received[0].at) >= 0.18)
                let log = try await eventually {
                    let page = try await server.send(.GET, "/v1/webhooks/\(id)/deliveries").json()
                    let delivery = (page["deliveries"] as? [[String: Any]])?.first
                    return delivery?["state"] as? String == "delivered" ? delivery : nil
                }
                #expect(log["attempts"] as? Int == 3)
                #expect(log["status_code"] as? Int == 200)
                #expect(log["response"] as? String == "thanks")
                #expect(log["event_type"] as? String == "user.created")
                #expect(log["latency_ms"] is Int)
                #expect(try await server.send(.GET, "/v1/webhooks/\(id)").json()["status"] as? String == "active")
            }
        }
    }

    @Test func aDeliveryFailsWhenTheScheduleRunsOut() async throws {
        try await WebhookReceiver.run(answer: { _, _ in .init(status: .badGateway, body: String(repeating: "x", count: 5000)) }) {
            receiver in
            try await TestServer.run(configure: { $0.quickWebhookRetries() }) { server in
                let (id, _) = try await server.subscribe(receiver.url())
                try await server.createUser()
                let delivery = try await eventually {
                    let page = try await server.send(.GET, "/v1/webhooks/\(id)/deliveries").json()
                    let delivery = (page["deliveries"] as? [[String: Any]])?.first
                    return delivery?["state"] as? String == "failed" ? delivery : nil
                }
                #expect(delivery["attempts"] as? Int == 3)
                #expect(delivery["next_attempt_at"] == nil)
                #expect((delivery["response"] as? String)?.utf8.count == 2048)
                #expect(receiver.all.count == 3)
                let endpoint = try await server.send(.GET, "/v1/webhooks/\(id)").json()
                #expect(endpoint["status"] as? String == "failing")
                #expect(endpoint["failing_since"] is String)
            }
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await WebhookReceiver.run(answer: { _, count in
            count == 0 ? .init(status: .tooManyRequests, headers: [("Retry-After", "2")]) : .init()
        }) { receiver in
            try await TestServer.run(configure: { $0.quickWebhookRetries() }) { server in
                _ = try await server.subscribe(receiver.url())
                try await server.createUser()
                let received = try await receiver.wait { $0.count >= 2 }
                #expect(received[1].at.timeIntervalSince(received[0].at) >= 1.9)
            }
        }
    }

    @Test func redirectsAreFailures() async throws {
        try await WebhookReceiver.run(answer: { path, _ in
            path == "/moved" ? .init(status: .found, headers: [("Location", "/elsewhere")]) : .init()
        }) { receiver in
            try await TestServer.run(configure: { $0.quickWebhookRetries([.zero]) }) { server in
                let (id, _) = try await server.subscribe(receiver.url("/moved"))
                try await server.createUser()
                let delivery = try await eventually {
                    let page = try await server.send(.GET, "/v1/webhooks/\(id)/deliveries").json()
                    let delivery = (page["deliveries"] as? [[String: Any]])?.first
                    return delivery?["state"] as? String == "failed" ? delivery : nil
                }
                #expect(delivery["status_code"] as? Int == 302)
                #expect((delivery["error"] as? String)?.contains("redirect") == true)
                #expect(receiver.requests(to: "/elsewhere").isEmpty)
            }
        }
    }

    @Test func goneSwitchesTheEndpointOffUntilReEnabled() async throws {
        try await WebhookReceiver.run(answer: { path, count in
            path == "/gone" && count == 0 ? .init(status: .gone) : .init()
        }) { receiver in
            try await TestServer.run(configure: { $0.quickWebhookRetries() }) { server in
                let (id, _) = try await server.subscribe(receiver.url("/gone"))
                try await server.createUser("a")
                let endpoint = try await eventually {
                    let endpoint = try await server.send(.GET, "/v1/webhooks/\(id)").json()
                    return endpoint["status"] as? String == "disabled" ? endpoint : nil
                }
                #expect(endpoint["enabled"] as? Bool == false)
                #expect((endpoint["disabled_reason"] as? String)?.contains("410") == true)
                // Switched off: new events are not delivered to it.
                try await server.createUser("b")
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.all.count == 1)
                // Switched on again: events from then on are.
                #expect(try await server.send(.PATCH, "/v1/webhooks/\(id)", json: #"{"enabled":true}"#).status == 200)
                try await server.createUser("c")
                let received = try await receiver.wait { $0.count >= 2 }
                #expect((received[1].json["data"] as? [String: Any])?["id"] as? String == "c")
            }
        }
    }

    @Test func endpointsFailingForTooLongAreSwitchedOff() async throws {
        try await WebhookReceiver.run(answer: { _, _ in .init(status: .internalServerError) }) { receiver in
            try await TestServer.run(configure: { configuration in
                configuration.quickWebhookRetries(Array(repeating: .milliseconds(200), count: 20))
                configuration.webhookDelivery.disableAfter = .seconds(1)
            }) { server in
                let (id, _) = try await server.subscribe(receiver.url())
                try await server.createUser()
                let endpoint = try await eventually {
                    let endpoint = try await server.send(.GET, "/v1/webhooks/\(id)").json()
                    return endpoint["status"] as? String == "disabled" ? endpoint : nil
                }
                #expect((endpoint["disabled_reason"] as? String)?.contains("failed since") == true)
                let attempts = receiver.all.count
                try await Task.sleep(for: .milliseconds(600))
                #expect(receiver.all.count == attempts, "no more attempts once switched off")
            }
        }
    }

    @Test func rotationSignsWithBothSecretsDuringTheOverlap() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestServer.run { server in
                let (id, oldSecret) = try await server.subscribe(receiver.url())
                let rotated = try await server.send(.POST, "/v1/webhooks/\(id)/rotate-secret")
                #expect(rotated.status == 200)
                let rotatedObject = try rotated.json()
                let newSecret = try #require(rotatedObject["secret"] as? String)
                #expect(newSecret != oldSecret)
                #expect(rotatedObject["previous_secret_expires_at"] is String)
                try await server.createUser()
                let delivery = try #require(try await receiver.wait { $0.count >= 1 }.first)
                let header = delivery.header("webhook-signature")
                #expect(header?.split(separator: " ").count == 2)
                let eventID = delivery.header("webhook-id")!
                let timestamp = delivery.header("webhook-timestamp")!
                #expect(SignatureCheck.standard(id: eventID, timestamp: timestamp, body: delivery.body, secret: newSecret, header: header))
                #expect(SignatureCheck.standard(id: eventID, timestamp: timestamp, body: delivery.body, secret: oldSecret, header: header))
                #expect(SignatureCheck.seed(body: delivery.body, secret: newSecret, signature: delivery.header("X-Webhook-Signature")))
            }
        }
    }

    @Test func theOldSecretStopsSigningWhenTheOverlapEnds() async throws {
        let clock = TestClock()
        try await WebhookReceiver.run { receiver in
            try await TestServer.run(configure: { $0.now = { clock.now } }) { server in
                let (id, oldSecret) = try await server.subscribe(receiver.url())
                let newSecret = try await server.send(.POST, "/v1/webhooks/\(id)/rotate-secret").json()["secret"] as! String
                clock.advance(by: 24 * 3600 + 1)
                try await server.createUser()
                let delivery = try #require(try await receiver.wait { $0.count >= 1 }.first)
                let header = delivery.header("webhook-signature")
                let eventID = delivery.header("webhook-id")!
                let timestamp = delivery.header("webhook-timestamp")!
                #expect(header?.split(separator: " ").count == 1)
                #expect(SignatureCheck.standard(id: eventID, timestamp: timestamp, body: delivery.body, secret: newSecret, header: header))
                #expect(!SignatureCheck.standard(id: eventID, timestamp: timestamp, body: delivery.body, secret: oldSecret, header: header))
            }
        }
    }

    @Test func testEventsAndRedeliveryReachTheEndpoint() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestServer.run { server in
                let (id, _) = try await server.subscribe(receiver.url(), events: ["appointment.created"])
                let test = try await server.send(.POST, "/v1/webhooks/\(id)/test")
                #expect(test.status == 202)
                let deliveryID = try #require(try test.json()["id"] as? String)
                let first = try #require(try await receiver.wait { $0.count >= 1 }.first)
                #expect(first.header("X-Webhook-Event") == "webhook.test")
                try await eventually {
                    let page = try await server.send(.GET, "/v1/webhooks/\(id)/deliveries").json()
                    return (page["deliveries"] as? [[String: Any]])?.first?["state"] as? String == "delivered" ? true : nil
                }
                let again = try await server.send(.POST, "/v1/webhooks/\(id)/deliveries/\(deliveryID)/redeliver")
                #expect(again.status == 202)
                let received = try await receiver.wait { $0.count >= 2 }
                #expect(received[1].header("webhook-id") == first.header("webhook-id"))
                #expect(try await server.send(.POST, "/v1/webhooks/\(id)/deliveries/dlv_nope/redeliver").status == 404)
                #expect(try await server.send(.POST, "/v1/webhooks/wh_nope/test").status == 404)
            }
        }
    }

    @Test func aSlowEndpointDoesNotDelayTheOthers() async throws {
        try await WebhookReceiver.run(answer: { path, _ in
            path == "/slow" ? .init(delay: .seconds(10)) : .init()
        }) { receiver in
            try await TestServer.run(configure: { $0.webhookDelivery.perEndpointConcurrency = 2 }) { server in
                _ = try await server.subscribe(receiver.url("/slow"))
                _ = try await server.subscribe(receiver.url("/fast"))
                for index in 0..<10 { try await server.createUser("u\(index)") }
                // All ten reach the fast endpoint while the slow one still holds its first two
                // deliveries unanswered: nothing waited for the slow endpoint.
                try await receiver.wait(timeout: .seconds(9)) { $0.filter { $0.path == "/fast" }.count >= 10 }
                #expect(receiver.requests(to: "/slow").count <= 2, "at most the concurrency limit in flight")
            }
        }
    }
}

/// Polls `check` until it returns a value, for state that settles asynchronously.
@discardableResult
func eventually<T>(timeout: Duration = .seconds(20), _ check: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = try await check() { return value }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("the condition did not hold within \(timeout)")
}
