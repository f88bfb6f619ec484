import Foundation
import TallyCore
import TallyStore

/// Syncs remote trackers into the store: one cycle per source, idempotent, its state persisted.
/// Used by `tally sync` now and by the server's scheduler.
public struct SyncEngine: Sendable {
    public let store: any TallyStore
    public let sources: [any SyncSource]
    /// Read at each cycle, so rules changed over the API apply to the next sync.
    public let rules: @Sendable () async throws -> CategoryRules
    /// The Tally user the synced entries belong to.
    public let userID: String
    public let now: @Sendable () -> Date

    public init(
        store: any TallyStore, sources: [any SyncSource], userID: String,
        rules: @escaping @Sendable () async throws -> CategoryRules, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.sources = sources
        self.userID = userID
        self.rules = rules
        self.now = now
    }

    /// Syncs every source (or just `only`) one after the other.
    public func sync(days: Int, only: TimeEntrySource? = nil) async -> [SyncReport] {
        var reports: [SyncReport] = []
        for source in sources where only == nil || source.source == only {
            reports.append(await sync(source, days: days))
        }
        return reports
    }

    public func sync(_ source: any SyncSource, days: Int) async -> SyncReport {
        await SyncProgress.$source.withValue(source.source) { await cycle(source, days: days) }
    }

    private func cycle(_ source: any SyncSource, days: Int) async -> SyncReport {
        let started = now()
        var state: SyncState
        do {
            state = try await store.syncState(source: source.source) ?? SyncState(source: source.source)
        } catch {
            return SyncReport(source: source.source, outcome: .failed("the sync state could not be read: \(error)"), requests: 0)
        }
        if let waitUntil = state.waitUntil, waitUntil > started {
            return SyncReport(
                source: source.source,
                outcome: .waiting(until: waitUntil, reason: state.lastError ?? "\(source.source.rawValue) asked to wait"),
                requests: 0)
        }
        state.lastAttemptAt = started
        let window = DateInterval(start: started.addingTimeInterval(-Double(max(days, 1)) * 86_400), end: started.addingTimeInterval(86_400))
        do {
            var changes = try await source.changes(in: window, cursor: state.cursor, now: started)
            if let complete = changes.completeWindow {
                try await confirmMissing(in: complete, from: source, changes: &changes, listedBefore: started)
            }
            let rules = try await rules()
            SyncProgress.report(.storing(entries: changes.entries.count + changes.deletedIDs.count))
            let finished = now()
            let entries = changes.entries.map { entry(from: $0, source: source.source, rules: rules, at: finished) }
            state.cursor = changes.cursor
            state.lastSuccessAt = finished
            state.lastError = nil
            state.waitUntil = nil
            if let quota = changes.quota {
                state.quotaRemaining = quota.remaining
                state.quotaResetsAt = quota.resetsAt
            }
            let run = SyncRun(
                source: source.source, startedAt: started, finishedAt: finished, requests: changes.requests,
                fetched: changes.entries.count + changes.deletedIDs.count)
            let counts = try await store.applySync(
                SyncBatch(
                    source: source.source, userID: userID, entries: entries, deletedExternalIDs: changes.deletedIDs,
                    completeWindow: changes.completeWindow, state: state, run: run))
            return SyncReport(
                source: source.source, outcome: .synced(counts, fetched: run.fetched), requests: changes.requests)
        } catch {
            let sourceError = error as? any SourceError
            let reason = sourceError?.description ?? "\(error)"
            let requests = sourceError?.requestsMade ?? 0
            state.lastError = reason
            state.waitUntil = sourceError?.waitUntil
            if let quota = sourceError?.quota {
                state.quotaRemaining = quota.remaining
                state.quotaResetsAt = quota.resetsAt
            }
            let run = SyncRun(source: source.source, startedAt: started, finishedAt: now(), requests: requests, error: reason)
            do {
                try await store.recordSyncFailure(state: state, run: run)
            } catch {
                return SyncReport(
                    source: source.source, outcome: .failed("\(reason); the failure could not be recorded: \(error)"),
                    requests: requests)
            }
            if let waitUntil = state.waitUntil {
                return SyncReport(source: source.source, outcome: .waiting(until: waitUntil, reason: reason), requests: requests)
            }
            return SyncReport(source: source.source, outcome: .failed(reason), requests: requests)
        }
    }

    /// At most this many entries missing from a complete window are checked one by one; a larger
    /// number is a bulk deletion at the source, and checking each would spend a Free plan's quota.
    static let missingChecksPerCycle = 10

    /// Entries stored for the window but not listed are usually deleted at the source, but an
    /// entry moved to another date is missing too: the source is asked about them first, and the
    /// ones it still has are kept (as changed).
    private func confirmMissing(
        in window: DateInterval, from source: any SyncSource, changes: inout SourceChanges, listedBefore: Date
    ) async throws {
        let listed = Set(changes.entries.map(\.externalID))
        let stored = try await store.timeEntries(
            TimeEntryQuery(userID: userID, source: source.source, from: nil, before: window.end, limit: Int.max))
        let missing = stored.filter {
            $0.start >= window.start && $0.updatedAt < listedBefore && $0.externalID.map { !listed.contains($0) } ?? false
        }.compactMap(\.externalID)
        guard !missing.isEmpty, missing.count <= Self.missingChecksPerCycle else { return }
        changes.entries += try await source.stillExisting(missing, cursor: changes.cursor)
        changes.requests += missing.count
    }

    func entry(from remote: RemoteTimeEntry, source: TimeEntrySource, rules: CategoryRules, at now: Date) -> TimeEntry {
        Self.entry(from: remote, source: source, userID: userID, rules: rules, at: now)
    }

    /// A remote entry as Tally stores it, categorised by `rules`.
    public static func entry(
        from remote: RemoteTimeEntry, source: TimeEntrySource, userID: String, rules: CategoryRules, at now: Date
    ) -> TimeEntry {
        TimeEntry(
            id: Identifier.make("te", at: now), userID: userID, source: source, externalID: remote.externalID,
            description: remote.description, project: remote.project, tags: remote.tags,
            category: rules.category(for: CategoryInput(project: remote.project, tags: remote.tags, description: remote.description)),
            start: remote.start, stop: remote.stop, timezone: remote.timezone, sourceChangedAt: remote.changedAt,
            createdAt: now, updatedAt: now)
    }
}

/// How one source's cycle went, in one line for the CLI and the status page.
public struct SyncReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case synced(SyncCounts, fetched: Int)
        /// Nothing was tried, or the source said to stop: it is over quota or rate limited.
        case waiting(until: Date, reason: String)
        case failed(String)
    }

    public var source: TimeEntrySource
    public var outcome: Outcome
    public var requests: Int

    public var succeeded: Bool {
        if case .synced = outcome { return true }
        return false
    }

    public var line: String {
        switch outcome {
        case .synced(let counts, let fetched):
            return "\(source.rawValue): fetched \(fetched), created \(counts.added), updated \(counts.updated), "
                + "deleted \(counts.deleted), unchanged \(counts.unchanged), requests \(requests)"
        case .waiting(let until, let reason):
            return "\(source.rawValue): waiting until \(RFC3339.format(until)): \(reason) (requests \(requests))"
        case .failed(let reason):
            return "\(source.rawValue): failed: \(reason) (requests \(requests))"
        }
    }
}
