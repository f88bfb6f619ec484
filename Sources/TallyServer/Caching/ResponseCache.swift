import NIOCore
import Synchronization

/// Answers of reads kept in memory for as long as the database has not changed: every entry
/// belongs to one value of the store's change counter, and the first request that sees another
/// value empties the cache. Bounded by bytes; when full it starts over.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    private struct State {
        var version: UInt64?
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    let maxBytes: Int

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// The entry kept for `key` while the database was at `version`.
    func entry(for key: String, version: UInt64) -> Entry? {
        state.withLock { state in
            guard state.version == version else {
                state = State(version: version)
                return nil
            }
            return state.entries[key]
        }
    }

    /// Keeps an answer computed from the database at `version` (read before the answer was).
    func keep(_ entry: Entry, for key: String, version: UInt64) {
        let size = entry.body.readableBytes + key.utf8.count
        guard size <= maxBytes / 4 else { return }
        state.withLock { state in
            if state.version != version {
                // An answer from an older version is dropped; a newer version starts afresh.
                guard let current = state.version, version > current else { return }
                state = State(version: version)
            }
            if state.bytes + size > maxBytes { state = State(version: version) }
            if let old = state.entries.updateValue(entry, forKey: key) {
                state.bytes -= old.body.readableBytes + key.utf8.count
            }
            state.bytes += size
        }
    }
}
