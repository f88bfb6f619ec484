extension TogglSync {
    /// The project names the last sync learnt, for mapping webhook payloads without a request.
    public static func projectNames(cursor: String?) -> [Int64: String] {
        TogglSyncCursor(text: cursor)?.projectNames ?? [:]
    }

    /// The Toggl user the synced token belongs to, once a sync has learnt it.
    public static func userID(cursor: String?) -> Int64? {
        TogglSyncCursor(text: cursor)?.userID
    }

    /// The account's timezone, once a sync has learnt it.
    public static func timezone(cursor: String?) -> String? {
        TogglSyncCursor(text: cursor)?.timezone
    }
}
