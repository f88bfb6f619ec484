import Foundation
import TallyCore
import TallyStore
import TallyWebhooks

extension TallyAPI {
    /// How long a replaced secret keeps signing after a rotation.
    static let secretOverlap: TimeInterval = 24 * 3600

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        try Caller.require(.admin)
        let endpoints = try await store.webhookEndpoints()
        return .ok(.init(body: .json(.init(webhooks: endpoints.map { $0.wire(at: now) }))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        try await checkURL(body.url)
        let instant = now
        let id = Identifier.make("wh", at: instant)
        let secret = WebhookSecret.generate()
        let endpoint = WebhookEndpoint(
            id: id, url: body.url, events: body.events, description: body.description, enabled: body.enabled ?? true,
            secrets: SealedSecrets(current: try secretBox.seal(secret, for: id)), createdAt: instant, updatedAt: instant)
        try endpoint.validate()
        try await store.createWebhookEndpoint(endpoint)
        return .created(
            .init(
                headers: .init(location: "/v1/webhooks/\(id)"),
                body: .json(.init(value1: endpoint.wire(at: instant), value2: .init(secret: secret.text)))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        try Caller.require(.admin)
        return .ok(.init(body: .json(try await existingEndpoint(input.path.id).wire(at: now))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        if let url = body.url { try await checkURL(url) }
        let nulls = ExplicitNulls.keys()
        let instant = now
        let endpoint = try await store.updateWebhookEndpoint(id: input.path.id) { endpoint in
            if let url = body.url { endpoint.url = url }
            if let events = body.events { endpoint.events = events }
            if let description = body.description {
                endpoint.description = description
            } else if nulls.contains("description") {
                endpoint.description = nil
            }
            if let enabled = body.enabled {
                if enabled && !endpoint.enabled {
                    endpoint.disabledReason = nil
                    endpoint.failingSince = nil
                }
                endpoint.enabled = enabled
            }
            endpoint.updatedAt = instant
            try endpoint.validate()
        }
        return .ok(.init(body: .json(endpoint.wire(at: instant))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        try Caller.require(.admin)
        guard try await store.deleteWebhookEndpoint(id: input.path.id) else {
            throw TallyError.notFound(kind: "webhook", id: input.path.id)
        }
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws
        -> Operations.RotateWebhookSecret.Output
    {
        try Caller.require(.admin)
        let id = input.path.id
        let secret = WebhookSecret.generate()
        let sealed = try secretBox.seal(secret, for: id)
        let instant = now
        let endpoint = try await store.updateWebhookEndpoint(id: id) { endpoint in
            endpoint.secrets = SealedSecrets(
                current: sealed, previous: endpoint.secrets.current,
                previousExpiresAt: instant.addingTimeInterval(Self.secretOverlap))
            endpoint.updatedAt = instant
        }
        return .ok(.init(body: .json(.init(value1: endpoint.wire(at: instant), value2: .init(secret: secret.text)))))
    }

    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        try Caller.require(.admin)
        let endpoint = try await existingEndpoint(input.path.id)
        let instant = now
        let event = WebhookEvent(
            type: EventType.webhookTest,
            data: .object(["webhook_id": .string(endpoint.id), "message": .string("A test event from Tally.")]),
            at: instant)
        let deliveries = try await store.recordEvent(event, onlyTo: endpoint.id)
        guard let delivery = deliveries.first else { throw TallyError.notFound(kind: "webhook", id: endpoint.id) }
        return .accepted(.init(body: .json(delivery.wire)))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws
        -> Operations.ListWebhookDeliveries.Output
    {
        try Caller.require(.admin)
        let endpoint = try await existingEndpoint(input.path.id)
        let limit = try pageSize(input.query.limit)
        let after = try PageCursor.decode(input.query.cursor)
        var deliveries = try await store.deliveries(endpointID: endpoint.id, after: after?.id, limit: limit + 1)
        let next = PageCursor.next(&deliveries, pageSize: limit) { PageAfter(sortKey: "", id: $0.id) }
        return .ok(.init(body: .json(.init(deliveries: deliveries.map(\.wire), nextCursor: next))))
    }

    func redeliverWebhookDelivery(_ input: Operations.RedeliverWebhookDelivery.Input) async throws
        -> Operations.RedeliverWebhookDelivery.Output
    {
        try Caller.require(.admin)
        let delivery = try await store.redeliver(endpointID: input.path.id, deliveryID: input.path.deliveryId, at: now)
        return .accepted(.init(body: .json(delivery.wire)))
    }

    private func existingEndpoint(_ id: String) async throws -> WebhookEndpoint {
        guard let endpoint = try await store.webhookEndpoint(id: id) else {
            throw TallyError.notFound(kind: "webhook", id: id)
        }
        return endpoint
    }

    private func checkURL(_ url: String) async throws {
        do {
            try await urlPolicy.check(url)
        } catch {
            throw APIError.validation([FieldError(field: "url", error.description)])
        }
    }
}

extension WebhookEndpoint {
    func wire(at now: Date) -> Components.Schemas.Webhook {
        let status: Components.Schemas.Webhook.StatusPayload =
            !enabled ? .disabled : failingSince != nil ? .failing : .active
        let overlap = secrets.previousExpiresAt.flatMap { $0 > now ? $0 : nil }
        return .init(
            id: id, url: url, events: events, description: description, enabled: enabled, status: status,
            disabledReason: disabledReason, failingSince: failingSince, previousSecretExpiresAt: overlap,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension WebhookDelivery {
    var wire: Components.Schemas.WebhookDelivery {
        .init(
            id: id, webhookId: endpointID, eventId: eventID, eventType: eventType, state: .init(state),
            attempts: attempts, nextAttemptAt: nextAttemptAt, lastAttemptAt: lastAttemptAt, statusCode: lastStatusCode,
            latencyMs: lastLatencyMilliseconds, response: lastResponse, error: lastError, createdAt: createdAt,
            deliveredAt: deliveredAt)
    }
}

extension Components.Schemas.WebhookDeliveryState {
    init(_ state: DeliveryState) {
        switch state {
        case .pending: self = .pending
        case .delivered: self = .delivered
        case .failed: self = .failed
        }
    }
}
