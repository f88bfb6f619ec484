import TallyCore

/// What a running sync is doing, for `tally sync` to show on a terminal during a long backfill.
/// Set for a task and its children; nothing is reported when no one listens.
public enum SyncProgress {
    public enum Step: Sendable {
        /// A request to the source: its method and path (never the query, which may name a token).
        case request(number: Int, method: String, path: String)
        /// Entries read and about to be stored.
        case storing(entries: Int)
    }

    @TaskLocal public static var observer: (@Sendable (TimeEntrySource?, Step) -> Void)?
    @TaskLocal static var source: TimeEntrySource?

    static func report(_ step: Step) {
        observer?(source, step)
    }
}
