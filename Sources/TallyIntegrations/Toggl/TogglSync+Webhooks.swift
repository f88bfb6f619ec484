extension TogglSync {
    /// The project names the last sync learnt, for mapping webhook payloads without a request.
    public static func projectNames(cursor: String?) -> [Int64: String] {
        TogglSyncCursor(text: cursor)?.projectNames ?? [:]
    }
}
