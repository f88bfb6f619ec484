import Crypto
import Foundation
import TallyTestSupport
import Synchronization
import TallyServer
import TallyWebhooks

extension ServerConfiguration {
    /// Quick retries for tests: attempts 200 ms apart, checked every 50 ms.
    mutating func quickWebhookRetries(_ delays: [Duration] = [.zero, .milliseconds(200), .milliseconds(200)]) {
        webhookDelivery.schedule = RetrySchedule(delays: delays, jitter: 0)
        webhookDelivery.pollInterval = .milliseconds(50)
    }
}

extension TestServer {
    /// Subscribes `url` and returns the endpoint's id and secret.
    func subscribe(_ url: String, events: [String] = ["*"]) async throws -> (id: String, secret: String) {
        let eventsJSON = events.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await send(.POST, "/v1/webhooks", json: #"{"url":"\#(url)","events":[\#(eventsJSON)]}"#)
        guard response.status == 201 else { throw TestFailure("subscribing failed: \(response.status) \(response.text)") }
        let object = try response.json()
        guard let id = object["id"] as? String, let secret = object["secret"] as? String else {
            throw TestFailure("no id or secret in \(response.text)")
        }
        TestRunLog.recordSecret(secret)
        return (id, secret)
    }

    func createUser(_ id: String = "user123") async throws {
        let response = try await send(.POST, "/v1/users", json: #"{"id":"\#(id)","name":"Sam Seller"}"#)
        guard response.status == 201 else { throw TestFailure("creating a user failed: \(response.text)") }
    }

    func createDailyLog(user: String = "user123", date: String) async throws -> [String: Any] {
        let response = try await send(
            .POST, "/v1/daily-logs",
            json: #"{"user_id":"\#(user)","date":"\#(date)","reviews":5,"demos":3,"callbacks":8}"#)
        guard response.status == 201 else { throw TestFailure("creating a daily log failed: \(response.text)") }
        return try response.json()
    }
}

/// Checks signatures the way receivers do, independently of Tally's signer.
enum SignatureCheck {
    static func seed(body: [UInt8], secret: String, signature: String?) -> Bool {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        let expected = code.map { String(format: "%02x", $0) }.joined()
        return signature == expected
    }

    /// Which of the `v1,` signatures in the header verify with `secret`.
    static func standard(id: String, timestamp: String, body: [UInt8], secret: String, header: String?) -> Bool {
        guard let header else { return false }
        let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!)
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Data("\(id).\(timestamp).".utf8))
        hmac.update(data: body)
        let expected = "v1," + Data(hmac.finalize()).base64EncodedString()
        return header.split(separator: " ").contains { $0 == expected }
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date())

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0.addTimeInterval(seconds) }
    }
}
