import Foundation
import Hummingbird
import TallyCore
import TallyIntegrations
import TallyStore
import Yams

/// Settings: category rules, goals, webhooks and API keys. Everyone may look; admins change.
extension Dashboard {
    func settingsPage(_ request: Request, _ signedIn: SignedIn, created: [String: Any] = [:]) async throws -> Response {
        let zone = Self.zone(signedIn.user)
        let strings = Language.of(request).strings
        let admin = signedIn.user.role == .admin
        let (rules, origin) = try await api.rulesBook.current()
        let rulesJSON = String(decoding: try Self.prettyEncoder.encode(rules), as: UTF8.self)
        var values: [String: Any] = [
            "admin": admin, "rules": rulesJSON, "rules_origin": origin.rawValue,
            "goals": try await goalsForm(rules: rules),
        ]
        if admin {
            let keys = try await store.apiKeys()
            values["keys"] = keys.filter { $0.revokedAt == nil }.map { key in
                [
                    "id": key.id, "name": key.name, "prefix": key.prefix, "scopes": key.scopes.map(\.rawValue).joined(separator: ", "),
                    "last_used": key.lastUsedAt.map { SyncIndicator.clock($0, zone) } ?? (strings["never"] ?? "never"),
                ]
            }
            let endpoints = try await store.webhookEndpoints()
            values["webhooks"] = endpoints.map { endpoint in
                [
                    "id": endpoint.id, "url": endpoint.url, "events": endpoint.events.joined(separator: ", "),
                    "enabled": endpoint.enabled,
                ]
            }
            values["event_types"] = EventType.subscribable.sorted()
            values["users"] = try await store.users(after: nil, limit: 1000).map { ["id": $0.id, "name": $0.name] }
        }
        values.merge(created) { _, new in new }
        return renderer.page("settings", values, frame: await frame(request, signedIn, titleKey: "settings"))
    }

    static var prettyEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func registerActions(on router: Router<TallyRequestContext>) {
        router.post("/entries/:id/category") { request, context in try await changeCategory(request, context) }
        router.post("/integrations/sync") { request, context in try await syncNow(request, context) }
        router.post("/timer/start") { request, context in try await startTimer(request, context) }
        router.post("/timer/stop") { request, context in try await stopTimer(request, context) }
        router.post("/settings/rules") { request, context in
            try await action(request, context, adminOnly: true) { form, _ in
                let text = form["rules"] ?? ""
                let rules: CategoryRules
                do {
                    rules = try YAMLDecoder().decode(CategoryRules.self, from: text)
                } catch let error as ValidationError {
                    throw error
                } catch {
                    throw ValidationError(field: "rules", "is not valid JSON or YAML rules: \(error)")
                }
                try await api.rulesBook.save(rules, at: now())
                if form["apply"] != nil { _ = try await api.applyCategoryRules(.init()) }
                return Self.redirect("/settings?saved=rules")
            }
        }
        router.post("/settings/rules/reset") { request, context in
            try await action(request, context, adminOnly: true) { _, _ in
                try await api.rulesBook.reset(at: now())
                return Self.redirect("/settings?saved=rules")
            }
        }
        router.post("/settings/goals") { request, context in
            try await action(request, context, adminOnly: true) { form, _ in
                try await saveGoals(form)
                return Self.redirect("/settings?saved=goals")
            }
        }
        router.post("/settings/keys") { request, context in
            try await action(request, context, adminOnly: true) { form, signedIn in
                let scopes = form.all("scope").compactMap(Components.Schemas.Scope.init(rawValue:))
                let output = try await api.createAPIKey(
                    .init(body: .json(.init(name: form.text("name") ?? "", scopes: scopes.isEmpty ? nil : scopes, userId: form.text("user_id")))))
                guard case .created(let created) = output, case .json(let body) = created.body else {
                    throw APIError.badRequest("the key was not created")
                }
                // Shown once, on this response only; the page is not cached.
                return try await settingsPage(request, signedIn, created: ["new_key": body.value2.key])
            }
        }
        router.post("/settings/keys/:id/revoke") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await action(request, context, adminOnly: true) { _, _ in
                _ = try await api.revokeAPIKey(.init(path: .init(id: id)))
                return Self.redirect("/settings?saved=keys")
            }
        }
        router.post("/settings/webhooks") { request, context in
            try await action(request, context, adminOnly: true) { form, signedIn in
                let events = form.all("event")
                let output = try await api.createWebhook(
                    .init(body: .json(.init(url: form.text("url") ?? "", events: events.isEmpty ? ["*"] : events))))
                guard case .created(let created) = output, case .json(let body) = created.body else {
                    throw APIError.badRequest("the webhook was not created")
                }
                return try await settingsPage(request, signedIn, created: ["new_secret": body.value2.secret])
            }
        }
        router.post("/settings/webhooks/:id/delete") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await action(request, context, adminOnly: true) { _, _ in
                _ = try await api.deleteWebhook(.init(path: .init(id: id)))
                return Self.redirect("/settings?saved=webhooks")
            }
        }
    }
}
