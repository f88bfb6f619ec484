import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// Webhooks API v1: subscriptions, their validation ping, and signed event deliveries.
extension FakeToggl {
    public struct EventFilter: Sendable, Equatable {
        public var entity: String
        public var action: String

        public init(entity: String, action: String) {
            self.entity = entity
            self.action = action
        }
    }

    public struct Subscription: Sendable, Equatable {
        public var id: Int64
        public var workspaceID: Int64
        public var urlCallback: String
        public var secret: String
        public var description: String
        public var eventFilters: [EventFilter]
        public var enabled: Bool
        /// Set once the callback answered the ping with the validation code.
        public var validatedAt: Date?
        public var createdAt: Date
        public var validationCode: String

        /// Toggl delivers events only to enabled, validated subscriptions.
        public var isDelivering: Bool { enabled && validatedAt != nil }
    }

    public enum Action: String, Sendable, CaseIterable {
        case created, updated, deleted
    }

    /// How a delivery is signed: correctly, with a secret the receiver does not have, or not at all.
    public enum Signature: Sendable {
        case valid, wrongSecret, missing
    }

    struct SentEvent {
        var action: Action
        var entry: Entry
        var createdAt: Date
    }

    /// One POST the fake made to a subscription's callback.
    public struct Delivery: Sendable {
        /// 0 for a validation ping.
        public var eventID: Int64
        public var subscriptionID: Int64
        public var isPing: Bool
        public var body: [UInt8]
        public var signature: String?
        /// Nil when the callback could not be reached.
        public var status: Int?
        public var responseBody: String
        public var error: String?

        public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    public var subscriptions: [Subscription] { state.withLock { $0.subscriptions } }

    /// Every POST to a callback so far, pings included, oldest first.
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Waits until `count` subscriptions are validated (the callback answered its ping).
    @discardableResult
    public func waitUntilValidated(_ count: Int = 1, timeout: Duration = .seconds(20)) async throws -> [Subscription] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let validated = subscriptions.filter { $0.validatedAt != nil }
            if validated.count >= count { return validated }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ReceiverTimeout(
            "timed out waiting for \(count) validated Toggl subscription(s); pings: \(deliveries.filter(\.isPing).map { "\($0.status.map(String.init) ?? $0.error ?? "?") \($0.responseBody)" })"
        )
    }

    /// POSTs the validation ping; a 2xx answer whose JSON has the code validates the subscription.
    @discardableResult
    public func sendValidationPing(_ subscriptionID: Int64) async -> Delivery? {
        let now = Date()
        guard let (subscription, body) = state.withLock({ state -> (Subscription, [UInt8])? in
            guard let subscription = state.subscriptions.first(where: { $0.id == subscriptionID }) else { return nil }
            let code = subscription.validationCode
            let ping: [String: Any] = [
                "event_id": 0, "created_at": FakeTogglTime.zulu(now, fractionDigits: 9), "creator_id": state.user.id,
                "metadata": ["request_type": "POST", "event_user_id": state.user.id] as [String: Any], "payload": "ping",
                "subscription_id": subscription.id, "timestamp": FakeTogglTime.zulu(now, fractionDigits: 9),
                "url_callback": subscription.urlCallback, "validation_code": code,
                "validation_code_url": webhooksURL + "/validate/\(subscription.workspaceID)/\(subscription.id)/\(code)",
            ]
            return (subscription, FakeTogglJSON.bytes(ping))
        }) else { return nil }
        let delivery = await post(body, to: subscription, eventID: 0, isPing: true, signature: .valid)
        let answered = FakeTogglJSON.object(Array(delivery.responseBody.utf8))?["validation_code"] as? String
        state.withLock { state in
            state.deliveries.append(delivery)
            if delivery.succeeded, answered == subscription.validationCode,
                let index = state.subscriptions.firstIndex(where: { $0.id == subscriptionID })
            {
                state.subscriptions[index].validatedAt = state.subscriptions[index].validatedAt ?? Date()
            }
        }
        return delivery
    }

    /// Sends a time-entry event to every delivering subscription, as Toggl does after a change.
    /// `timestamp` overrides the envelope's (a stale one imitates a replay).
    @discardableResult
    public func deliver(
        _ action: Action, entry: Entry, timestamp: Date? = nil, signature: Signature = .valid
    ) async -> [Delivery] {
        let eventID = state.withLock { state in
            let id = state.nextEventID
            state.nextEventID += 1
            state.sentEvents[id] = SentEvent(action: action, entry: entry, createdAt: Date())
            return id
        }
        return await send(eventID: eventID, timestamp: timestamp ?? Date(), signature: signature)
    }

    /// `deliver` with the entry as the fake holds it now. Nil for an unknown id.
    @discardableResult
    public func deliver(
        _ action: Action, entryID: Int64, timestamp: Date? = nil, signature: Signature = .valid
    ) async -> [Delivery]? {
        guard let entry = entry(entryID) else { return nil }
        return await deliver(action, entry: entry, timestamp: timestamp, signature: signature)
    }

    /// Sends an earlier event again with the same event_id, as Toggl's retries do, with a fresh
    /// timestamp unless one is given.
    @discardableResult
    public func redeliver(eventID: Int64, timestamp: Date? = nil, signature: Signature = .valid) async -> [Delivery] {
        await send(eventID: eventID, timestamp: timestamp ?? Date(), signature: signature)
    }

    private func send(eventID: Int64, timestamp: Date, signature: Signature) async -> [Delivery] {
        let bodies = state.withLock { state -> [(Subscription, [UInt8])] in
            guard let event = state.sentEvents[eventID] else { return [] }
            return state.subscriptions.filter(\.isDelivering).map { subscription in
                (subscription, state.eventBody(eventID: eventID, event: event, subscription: subscription, timestamp: timestamp))
            }
        }
        var sent: [Delivery] = []
        for (subscription, body) in bodies {
            let delivery = await post(body, to: subscription, eventID: eventID, isPing: false, signature: signature)
            state.withLock { $0.deliveries.append(delivery) }
            sent.append(delivery)
        }
        return sent
    }

    private func post(
        _ body: [UInt8], to subscription: Subscription, eventID: Int64, isPing: Bool, signature: Signature
    ) async -> Delivery {
        let header: String? =
            switch signature {
            case .valid: Self.signature(body, secret: subscription.secret)
            case .wrongSecret: Self.signature(body, secret: subscription.secret + "-not")
            case .missing: nil
            }
        var delivery = Delivery(
            eventID: eventID, subscriptionID: subscription.id, isPing: isPing, body: body, signature: header, status: nil,
            responseBody: "", error: nil)
        guard URL(string: subscription.urlCallback) != nil else {
            delivery.error = "url_callback is not a URL"
            return delivery
        }
        var request = HTTPClientRequest(url: subscription.urlCallback)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Toggl-Webhooks/1.0")
        if let header { request.headers.add(name: "X-Webhook-Signature-256", value: header) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 20)
            delivery.status = Int(response.status.code)
            delivery.responseBody = String(buffer: answer)
        } catch {
            delivery.error = String(describing: error)
        }
        return delivery
    }

    /// `sha256=<hex HMAC-SHA256(body, secret)>`, computed here independently of Tally's code.
    public static func signature(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

extension FakeTogglState {
    static let entities = [
        "client", "project", "project_group", "project_user", "tag", "task", "time_entry", "workspace", "workspace_user",
    ]

    func eventBody(
        eventID: Int64, event: FakeToggl.SentEvent, subscription: FakeToggl.Subscription, timestamp: Date
    ) -> [UInt8] {
        let entry = event.entry
        let requestType = switch event.action {
        case .created: "POST"
        case .updated: "PUT"
        case .deleted: "DELETE"
        }
        // Event metadata values are all strings, unlike a ping's.
        let metadata: [String: Any] = [
            "action": event.action.rawValue, "event_user_id": String(user.id), "model": "time_entry",
            "path": "/api/v9/workspaces/\(entry.workspaceID)/time_entries/\(entry.id)", "request_type": requestType,
            "time_entry_id": String(entry.id), "workspace_id": String(entry.workspaceID),
        ]
        return FakeTogglJSON.bytes([
            "event_id": eventID, "created_at": FakeTogglTime.zulu(event.createdAt, fractionDigits: 9),
            "creator_id": user.id, "metadata": metadata, "payload": webhookJSON(entry), "subscription_id": subscription.id,
            "timestamp": FakeTogglTime.zulu(timestamp, fractionDigits: 9), "url_callback": subscription.urlCallback,
        ] as [String: Any])
    }

    mutating func webhooksAnswer(_ request: FakeTogglRequest) -> FakeTogglAnswer {
        let endpoint = request.endpoint
        switch request.method {
        case "GET":
            if let workspace = match(endpoint, "subscriptions/*")?.first {
                guard Int64(workspace) == user.workspaceID else { return .error(404, "Workspace not found") }
                return .json(subscriptions.map(subscriptionJSON))
            }
            if let parts = match(endpoint, "validate/*/*/*") { return validate(subscription: parts[1], code: parts[2]) }
            if match(endpoint, "event_filters") != nil {
                return .json(Dictionary(uniqueKeysWithValues: Self.entities.map { ($0, ["created", "updated", "deleted"]) }))
            }
            if let workspace = match(endpoint, "limits/*")?.first {
                guard Int64(workspace) == user.workspaceID else { return .error(404, "Workspace not found") }
                return .json(["max_webhook_subscriptions": subscriptionLimit, "max_event_filters": 3])
            }
        case "POST":
            if let workspace = match(endpoint, "subscriptions/*")?.first {
                return createSubscription(request, workspace: workspace, now: request.now)
            }
            if let parts = match(endpoint, "ping/*/*") {
                guard let subscription = subscription(parts[1]) else { return .error(404, "Subscription not found") }
                var answer = FakeTogglAnswer.json(["status": "ok"])
                answer.pingSubscription = subscription.id
                return answer
            }
        case "PATCH":
            if let parts = match(endpoint, "subscriptions/*/*") {
                guard let index = subscriptions.firstIndex(where: { String($0.id) == parts[1] }) else {
                    return .error(404, "Subscription not found")
                }
                guard let enabled = FakeTogglJSON.object(request.body)?["enabled"] as? Bool else {
                    return .error(400, "enabled must be a boolean")
                }
                subscriptions[index].enabled = enabled
                return .json(subscriptionJSON(subscriptions[index]))
            }
        case "DELETE":
            if let parts = match(endpoint, "subscriptions/*/*") {
                guard let index = subscriptions.firstIndex(where: { String($0.id) == parts[1] }) else {
                    return .error(404, "Subscription not found")
                }
                return .json(subscriptionJSON(subscriptions.remove(at: index)))
            }
        default:
            break
        }
        return .error(404, "Not Found")
    }

    private func subscription(_ id: String) -> FakeToggl.Subscription? {
        subscriptions.first { String($0.id) == id }
    }

    private mutating func validate(subscription id: String, code: String) -> FakeTogglAnswer {
        guard let index = subscriptions.firstIndex(where: { String($0.id) == id }),
            subscriptions[index].validationCode == code
        else { return .error(404, "Subscription not found") }
        subscriptions[index].validatedAt = subscriptions[index].validatedAt ?? Date()
        return .json(["status": "ok"])
    }

    private mutating func createSubscription(_ request: FakeTogglRequest, workspace: String, now: Date) -> FakeTogglAnswer {
        guard let workspaceID = Int64(workspace), workspaceID == user.workspaceID else {
            return .error(404, "Workspace not found")
        }
        guard let body = FakeTogglJSON.object(request.body) else { return .error(400, "JSON is not valid") }
        guard let url = body["url_callback"] as? String, let parsed = URL(string: url),
            ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
        else { return .error(400, "url_callback must be a valid URL") }
        guard let description = body["description"] as? String, !description.isEmpty else {
            return .error(400, "description is required")
        }
        guard !subscriptions.contains(where: { $0.workspaceID == workspaceID && $0.description == description }) else {
            return .error(400, "description must be unique per workspace")
        }
        guard let filterObjects = body["event_filters"] as? [[String: Any]], !filterObjects.isEmpty else {
            return .error(400, "event_filters are required")
        }
        var filters: [FakeToggl.EventFilter] = []
        for object in filterObjects {
            guard let entity = object["entity"] as? String, let action = object["action"] as? String,
                Self.entities.contains(entity), ["created", "updated", "deleted", "*"].contains(action)
            else { return .error(400, "event_filters: unknown entity or action") }
            filters.append(.init(entity: entity, action: action))
        }
        guard subscriptions.filter({ $0.workspaceID == workspaceID }).count < subscriptionLimit else {
            return .error(400, "the workspace's plan allows \(subscriptionLimit) webhook subscription(s)")
        }
        let secret = (body["secret"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString
        let subscription = FakeToggl.Subscription(
            id: nextSubscriptionID, workspaceID: workspaceID, urlCallback: url, secret: secret, description: description,
            eventFilters: filters, enabled: (body["enabled"] as? Bool) ?? true, validatedAt: nil,
            createdAt: Self.whole(now), validationCode: makeValidationCode(nextSubscriptionID))
        nextSubscriptionID += 1
        subscriptions.append(subscription)
        var answer = FakeTogglAnswer.json(subscriptionJSON(subscription))
        answer.pingSubscription = subscription.id
        return answer
    }
}
