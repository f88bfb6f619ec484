import TallyCore

extension DatabaseLocation {
    /// Opens the store this location names, migrating it to the current schema.
    public func open(activity: (any DatabaseActivity)? = nil) throws -> any TallyStore {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path, activity: activity)
        case .postgres:
            throw TallyError.databaseUnavailable(
                "PostgreSQL is not supported yet; use a SQLite path or sqlite:// URL (the default is tally.sqlite)")
        }
    }
}
