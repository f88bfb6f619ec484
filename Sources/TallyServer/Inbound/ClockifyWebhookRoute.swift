import Foundation
import Hummingbird
import NIOCore
import TallyCore
import TallyIntegrations
import TallyStore

/// `POST /webhooks/clockify`: Clockify's webhook deliveries. `Clockify-Signature` carries the
/// webhook's token itself (not an HMAC), compared in constant time with `CLOCKIFY_WEBHOOK_TOKEN`.
/// Clockify sends no event id; applying a delivery twice changes nothing the second time.
struct ClockifyWebhookRoute: Sendable {
    let switchedOffNotice = LogOnce()
    let inbound: InboundTimeEntries
    /// One per Clockify webhook; empty turns the route off.
    let tokens: [String]

    static let maxBytes = 1 << 20

    func handle(_ request: Request, context: TallyRequestContext) async throws -> Response {
        guard !tokens.isEmpty else {
            switchedOffNotice.debug("a call to a switched-off webhook route (logged once)", to: context.logger)
            throw APIError.switchedOff("the Clockify webhook is off: set CLOCKIFY_WEBHOOK_TOKEN to turn it on")
        }
        let presented = request.headers[.init(ClockifyWebhookSignature.headerName)!]
        // Every token is compared (no early exit), each in constant time.
        let matches = tokens.reduce(false) { found, token in
            ClockifyWebhookSignature.isValid(header: presented, token: token) || found
        }
        guard matches else {
            throw APIError.unauthorized("Clockify-Signature does not match CLOCKIFY_WEBHOOK_TOKEN")
        }
        let body = Array(buffer: try await request.body.collect(upTo: Self.maxBytes))
        // Workspace webhooks report colleagues' entries too: only the synced user's are applied,
        // which the first sync learns.
        guard let state = try await inbound.cursor(.clockify).flatMap(ClockifySyncState.init(cursor:)) else {
            return TogglWebhookRoute.json(.object(["status": .string("ignored"), "reason": .string("no sync has run yet")]))
        }
        let delivery: ClockifyWebhookDelivery
        do {
            delivery = try ClockifyWebhookDelivery.decode(
                eventType: request.headers[.init(ClockifyWebhookEvent.headerName)!], body: body,
                userID: state.account.userID, projectNames: state.names.projects, tagNames: state.names.tags,
                timeZone: state.account.timeZone)
        } catch .unsupportedEvent {
            return TogglWebhookRoute.json(.object(["status": .string("ignored")]))
        } catch {
            throw APIError.malformedJSON(error.description)
        }
        var upserts: [RemoteTimeEntry] = []
        var deletions: [String] = []
        for change in delivery.changes {
            switch change {
            case .upsert(let entry): upserts.append(entry)
            case .delete(let entry): deletions.append(entry.externalID)
            }
        }
        let outcome = try await inbound.apply(source: .clockify, eventID: nil, upserts: upserts, deletions: deletions)
        return TogglWebhookRoute.json(InboundTimeEntries.answer(outcome))
    }
}
