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

    /// Who listens. A class rather than a bare closure: release builds of Swift 6.3 crashed in
    /// `swift_task_localValuePush` when the task-local's value was an optional function.
    public final class Observer: Sendable {
        let receive: @Sendable (TimeEntrySource?, Step) -> Void

        public init(_ receive: @escaping @Sendable (TimeEntrySource?, Step) -> Void) {
            self.receive = receive
        }
    }

    @TaskLocal public static var observer: Observer?
    @TaskLocal static var source: TimeEntrySource?

    static func report(_ step: Step) {
        observer?.receive(source, step)
    }
}
