import Foundation
import Hummingbird
import TallyCore
import TallyStore

/// Integrations: each source's sync state with "sync now", and the Apple Health upload.
extension Dashboard {
    func integrations(_ request: Request, _ signedIn: SignedIn) async throws -> Response {
        let zone = Self.zone(signedIn.user)
        let status = try await api.syncStatus()
        let sources: [[String: Any]] = status.sources.map { source in
            [
                "name": source.name.rawValue, "configured": source.configured, "state": source.state.rawValue,
                "last_success": source.lastSuccessAt.map { SyncIndicator.clock($0, zone) } ?? "—",
                "last_error": source.lastError ?? "", "has_error": source.lastError != nil,
                "requests": source.requestsLastHour, "quota": source.quotaRemaining.map(String.init) ?? "—",
            ]
        }
        let users = try await store.users(after: nil, limit: 1000)
        let values: [String: Any] = [
            "sources": sources, "can_sync": status.state != .unconfigured,
            "users": users.map { ["id": $0.id, "name": $0.name, "selected": $0.id == signedIn.user.id] },
        ]
        return renderer.page("integrations", values, frame: await frame(request, signedIn, titleKey: "integrations"))
    }

    /// "Sync now" without the script: starts a sync and comes back to the page.
    func syncNow(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        try await action(request, context) { _, _ in
            _ = try await api.runSync(.init())
            return Self.redirect("/integrations")
        }
    }
}
