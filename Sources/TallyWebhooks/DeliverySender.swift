import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TallyCore
import TallyStore

/// Makes one delivery attempt: a signed POST of the event body, and what came back.
struct DeliverySender: Sendable {
    /// For endpoints whose addresses are not checked (TALLY_WEBHOOK_ALLOW_PRIVATE=1).
    let httpClient: HTTPClient
    let pinnedClients: PinnedHTTPClients
    let timeout: Duration
    let urlPolicy: WebhookURLPolicy
    let userAgent: String

    struct Result: Sendable {
        var statusCode: Int?
        var latencyMilliseconds: Int
        var response: String?
        var error: String?
        var retryAfter: String?
    }

    func send(_ claimed: ClaimedDelivery, secrets: [WebhookSecret], at now: Date) async -> Result {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - started
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        let client: HTTPClient
        do {
            // Checked again at send time: a name can resolve elsewhere than when it was registered;
            // and the connection goes to the address checked now.
            if let vetted = try await urlPolicy.vet(claimed.url) {
                client = pinnedClients.client(host: vetted.host, address: vetted.address)
            } else {
                client = httpClient
            }
        } catch {
            return Result(latencyMilliseconds: 0, error: "refused: the URL \(error.description)")
        }
        var request = HTTPClientRequest(url: claimed.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        let timestamp = Int(now.timeIntervalSince1970)
        for header in WebhookSigner.headers(
            eventID: claimed.delivery.eventID, eventType: claimed.delivery.eventType, timestamp: timestamp,
            body: claimed.body, secrets: secrets)
        {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: claimed.body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            var excerpt: [UInt8] = []
            for try await chunk in response.body {
                excerpt.append(contentsOf: chunk.readableBytesView.prefix(WebhookDelivery.responseExcerptLimit - excerpt.count))
                if excerpt.count >= WebhookDelivery.responseExcerptLimit { break }
            }
            return Result(
                statusCode: Int(response.status.code), latencyMilliseconds: elapsed(),
                response: excerpt.isEmpty ? nil : String(decoding: excerpt, as: UTF8.self),
                retryAfter: response.headers.first(name: "Retry-After"))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return Result(latencyMilliseconds: elapsed(), error: "no answer within \(timeout)")
        } catch {
            return Result(latencyMilliseconds: elapsed(), error: "\(error)")
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
