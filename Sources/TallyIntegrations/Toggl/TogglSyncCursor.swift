import Foundation

/// What TogglSync remembers between cycles, kept by the sync engine as opaque JSON text.
struct TogglSyncCursor: Codable, Equatable {
    static let currentVersion = 1

    var version = Self.currentVersion
    /// UNIX seconds for the next cycle's `since` request.
    var since: Int64
    /// UNIX seconds: every entry starting from here on has been listed once.
    var backfilledFrom: Int64
    var workspaceID: Int64?
    /// Project id (as text, for a JSON object) → name.
    var projects: [String: String]
    /// UNIX seconds of the last project list: refreshed daily so renamed projects arrive.
    var projectsFetchedAt: Int64?
    /// The token's user (from `/me`, once): webhooks for other people's entries are ignored.
    var userID: Int64?
    /// The account's IANA zone, stored with each entry.
    var timezone: String?

    init(since: Int64, backfilledFrom: Int64, workspaceID: Int64?, projects: [String: String]) {
        self.since = since
        self.backfilledFrom = backfilledFrom
        self.workspaceID = workspaceID
        self.projects = projects
    }

    /// Nil for no cursor, and for one this version cannot use: the cycle then starts afresh.
    init?(text: String?) {
        guard let text, let cursor = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)),
            cursor.version == Self.currentVersion
        else { return nil }
        self = cursor
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    var projectNames: [Int64: String] {
        Dictionary(projects.compactMap { key, name in Int64(key).map { ($0, name) } }, uniquingKeysWith: { first, _ in first })
    }
}
