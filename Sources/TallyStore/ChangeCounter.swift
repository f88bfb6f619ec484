/// A number that moves whenever anything is committed to the database, by this process or any
/// other (the CLI, a second server). Caches of database reads keep an answer only while it stays
/// the same, so they can never serve something older than the database.
public protocol ChangeCounter: Sendable {
    /// The current value, or nil when it cannot be read (then nothing may be served from a cache).
    func current() -> UInt64?
}
