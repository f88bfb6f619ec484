import AsyncHTTPClient
import Foundation
import NIOCore


extension FakeClockify {
    /// Posts a webhook delivery as Clockify does: the bare time entry (with its project and tags
    /// embedded), `Clockify-Signature: <token>` and `Clockify-Webhook-Event-Type`. Returns the
    /// receiver's status.
    @discardableResult
    public func deliver(event: WebhookEvent, entry: TimeEntry, to url: String, token: String) async throws -> Int {
        guard URL(string: url) != nil else { throw ReceiverTimeout("not a URL: \(url)") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: json(of: entry, hydrated: true)))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Clockify-Signature", value: token)
        request.headers.add(name: "Clockify-Webhook-Event-Type", value: event.rawValue)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
