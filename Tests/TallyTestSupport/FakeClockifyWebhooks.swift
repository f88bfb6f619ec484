import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension FakeClockify {
    /// Posts a webhook delivery as Clockify does: the bare time entry (with its project and tags
    /// embedded), `Clockify-Signature: <token>` and `Clockify-Webhook-Event-Type`. Returns the
    /// receiver's status.
    @discardableResult
    public func deliver(event: WebhookEvent, entry: TimeEntry, to url: String, token: String) async throws -> Int {
        guard let target = URL(string: url) else { throw ReceiverTimeout("not a URL: \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(json(of: entry, hydrated: true))
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(token, forHTTPHeaderField: "Clockify-Signature")
        request.setValue(event.rawValue, forHTTPHeaderField: "Clockify-Webhook-Event-Type")
        request.timeoutInterval = 20
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
