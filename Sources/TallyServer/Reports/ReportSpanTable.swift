import Foundation
import TallyCore
import TallyStore

/// Every time entry as a report span, in memory and sorted by start, so whole-team reports over
/// a year do not scan the table each time (bench/reports). It is loaded once, then kept current
/// from the store's time-entry journal whenever the store's change counter moves, whoever
/// changed the data. Without a change counter, or with more entries than `capacity`, reports
/// read the store as before.
public actor ReportSpanTable {
    let store: any TallyStore
    let capacity: Int
    /// Told how many spans the table holds after each refresh.
    let observe: @Sendable (Int) -> Void
    private var spans: [ReportSpan] = []
    private var position: Int64 = 0
    private var loadedVersion: UInt64?
    private var tooLarge = false
    private var refreshing: Task<Void, any Error>?

    init(store: any TallyStore, capacity: Int, observe: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.store = store
        self.capacity = capacity
        self.observe = observe
    }

    /// All spans as of now, sorted by start; nil when reports must read the store.
    func current() async throws -> [ReportSpan]? {
        guard let changes = store.changes, !tooLarge else { return nil }
        while true {
            if let refreshing {
                // Someone else's refresh may predate the caller's request: wait, then look again.
                try await refreshing.value
                continue
            }
            guard let version = changes.current() else { return nil }
            if version == loadedVersion { return tooLarge ? nil : spans }
            // The counter is read before the data, so a commit during the refresh moves it again.
            let task = Task { try await self.refresh(to: version) }
            refreshing = task
            try await task.value
            return tooLarge ? nil : spans
        }
    }

    private func refresh(to version: UInt64) async throws {
        defer {
            refreshing = nil
            observe(spans.count)
        }
        if loadedVersion != nil, let changes = try await store.reportSpanChanges(after: position) {
            apply(changes)
        } else {
            let snapshot = try await store.reportSpanSnapshot()
            guard snapshot.spans.count <= capacity else {
                tooLarge = true
                spans = []
                return
            }
            spans = snapshot.spans.sorted { $0.start < $1.start }
            position = snapshot.position
        }
        loadedVersion = version
    }

    private func apply(_ changes: ReportSpanChanges) {
        position = changes.position
        guard !changes.changed.isEmpty || !changes.deletedIDs.isEmpty else { return }
        let gone = changes.deletedIDs.union(changes.changed.map(\.id))
        spans.removeAll { gone.contains($0.id) }
        // Mostly sorted already: the sort finds the one run out of place.
        spans.append(contentsOf: changes.changed)
        spans.sort { $0.start < $1.start }
        if spans.count > capacity {
            tooLarge = true
            spans = []
        }
    }

    /// The spans overlapping `from..<before` (running ones included), for one user or all: the
    /// same choice as `TallyStore.reportSpans`. When every span starts in the window (a team's
    /// year), the table itself is the answer, without a copy.
    static func window(_ spans: [ReportSpan], userID: String?, from: Date, before: Date) -> [ReportSpan] {
        var low = 0
        var high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].start < before { low = middle + 1 } else { high = middle }
        }
        if userID == nil, low == spans.count, spans.first.map({ $0.start >= from }) ?? true {
            return spans
        }
        var result: [ReportSpan] = []
        result.reserveCapacity(userID == nil ? low : 1024)
        for span in spans[..<low] where (span.stop.map { $0 > from } ?? true) && (userID == nil || span.userID == userID) {
            result.append(span)
        }
        return result
    }
}
