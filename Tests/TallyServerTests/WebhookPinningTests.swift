import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TallyTestSupport
@testable import TallyWebhooks

/// The DNS-rebinding half of the SSRF defence: a delivery connects to the address the URL policy
/// vetted, never to whatever the name resolves to when the connection is made.
@Suite struct WebhookPinningTests {
    static func post(_ client: HTTPClient, _ url: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await client.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 16)
        return Int(response.status.code)
    }

    @Test func aDeliveryGoesToTheVettedAddressWhateverTheNameResolvesTo() async throws {
        try await WebhookReceiver.run { receiver in
            let port = try #require(URL(string: receiver.url())?.port)
            let clients = PinnedHTTPClients(configuration: HTTPClient.Configuration())
            do {
                // No DNS server knows this name: the request still arrives, at the vetted address.
                let pinned = clients.client(host: "rebinding.invalid", address: "127.0.0.1")
                #expect(try await Self.post(pinned, "http://rebinding.invalid:\(port)/hook") < 300)
                #expect(receiver.all.count == 1)

                // "localhost" resolves to the receiver's address now (the rebound answer), but the
                // address vetted was another: the connection goes there, and the receiver hears nothing.
                let vettedElsewhere = clients.client(host: "localhost", address: "127.0.0.2")
                await #expect(throws: (any Error).self) {
                    _ = try await Self.post(vettedElsewhere, "http://localhost:\(port)/hook")
                }
                #expect(receiver.all.count == 1)

                // A new vetted address for the same host replaces the old client.
                let moved = clients.client(host: "localhost", address: "127.0.0.1")
                #expect(try await Self.post(moved, "http://localhost:\(port)/hook") < 300)
                #expect(receiver.all.count == 2)
            } catch {
                await clients.shutdown()
                throw error
            }
            await clients.shutdown()
        }
    }
}
