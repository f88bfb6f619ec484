import Foundation

/// The header's cloud, as the integrations seed describes it: green while a source is configured
/// and auto-sync is on, grey with no source, spinning during a sync, a warning with the reason
/// when the last sync failed, crossed out while auto-sync is off. The script redraws it from
/// `GET /v1/sync/status` with the same rules (`render` in `dashboard.js`).
enum SyncIndicator {
    static func values(_ status: Components.Schemas.SyncStatus, language: Language, timeZone: TimeZone) -> [String: Any] {
        let strings = language.strings
        let state = status.state.rawValue
        var lines: [String] = [strings["sync_\(state)"] ?? state]
        let error = status.sources.first { $0.configured && $0.lastError != nil }?.lastError
        if status.state == .error, let error { lines.append(error) }
        lines.append("\(strings["last_sync"] ?? "Last sync"): \(status.lastSyncAt.map { clock($0, timeZone) } ?? "—")")
        lines.append("\(strings["next_sync"] ?? "Next sync"): \(status.nextSyncAt.map { clock($0, timeZone) } ?? "—")")
        for source in status.sources {
            lines.append("\(source.name.rawValue): \(source.configured ? source.state.rawValue : strings["not_configured"] ?? "")")
        }
        if status.state != .unconfigured {
            lines.append(strings[status.autoSync ? "sync_click_off" : "sync_click_on"] ?? "")
        }
        return [
            "state": state, "auto": status.autoSync, "label": strings["sync_\(state)"] ?? state,
            "tooltip": lines.joined(separator: "\n"), "configured": status.state != .unconfigured,
        ]
    }

    static func clock(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }
}
