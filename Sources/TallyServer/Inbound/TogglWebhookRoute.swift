import Foundation
import Hummingbird
import NIOCore
import TallyCore
import TallyIntegrations
import TallyStore

/// `POST /webhooks/toggl`: Toggl's Webhooks API deliveries. Signed with `TOGGL_WEBHOOK_SECRET`
/// (HMAC-SHA256 in `X-Webhook-Signature-256`, checked in constant time); pings are answered with
/// their validation code; time entry events apply once per event id; stale timestamps (replays)
/// are refused.
struct TogglWebhookRoute: Sendable {
    let switchedOffNotice = LogOnce()
    let inbound: InboundTimeEntries
    let secret: String?
    let tolerance: Duration

    static let maxBytes = 1 << 20

    func handle(_ request: Request, context: TallyRequestContext) async throws -> Response {
        guard let secret else {
            switchedOffNotice.debug("a call to a switched-off webhook route (logged once)", to: context.logger)
            throw APIError.switchedOff("the Toggl webhook is off: set TOGGL_WEBHOOK_SECRET to turn it on")
        }
        let body = Array(buffer: try await request.body.collect(upTo: Self.maxBytes))
        guard
            TogglWebhookSignature.isValid(
                header: request.headers[.init(TogglWebhookSignature.headerName)!], body: body, secret: secret)
        else {
            throw APIError.unauthorized("X-Webhook-Signature-256 does not match the body signed with TOGGL_WEBHOOK_SECRET")
        }
        let delivery: TogglWebhookDelivery
        do { delivery = try TogglWebhookDelivery.decode(body) } catch { throw APIError.malformedJSON(error.description) }
        switch delivery {
        case .ping(let code):
            return Self.json(code.map { .object(["validation_code": .string($0)]) } ?? .object([:]))
        case .event(let event):
            let seconds = Double(tolerance.components.seconds)
            if event.isStale(now: inbound.now(), maximumAge: seconds) {
                throw APIError.unauthorized(
                    "the delivery's timestamp is more than \(Int(seconds)) s from now: a replay, or a clock that is off")
            }
            guard event.model == "time_entry" else { return Self.json(.object(["status": .string("ignored")])) }
            let outcome: InboundOutcome
            if event.action == .deleted {
                outcome = try await inbound.apply(
                    source: .toggl, eventID: event.id, upserts: [], deletions: event.entityID.map { [$0] } ?? [])
            } else {
                guard let entry = event.entry else {
                    throw APIError.malformedJSON("the \(event.action.rawValue) event carries no time entry")
                }
                let cursor = try await inbound.cursor(.toggl)
                // A workspace subscription reports colleagues' entries too: only entries of the
                // token's user, which the first sync learns, are applied.
                guard let owner = TogglSync.userID(cursor: cursor) else {
                    return Self.json(.object(["status": .string("ignored"), "reason": .string("no sync has run yet")]))
                }
                if let author = entry.userID, owner != author {
                    return Self.json(.object(["status": .string("ignored"), "reason": .string("another user's entry")]))
                }
                let remote = entry.remoteEntry(
                    projectNames: TogglSync.projectNames(cursor: cursor), timezone: TogglSync.timezone(cursor: cursor))
                outcome = try await inbound.apply(source: .toggl, eventID: event.id, upserts: [remote], deletions: [])
            }
            return Self.json(InboundTimeEntries.answer(outcome))
        }
    }

    static func json(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}
