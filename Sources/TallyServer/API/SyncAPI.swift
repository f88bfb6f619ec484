import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func getSyncStatus(_ input: Operations.GetSyncStatus.Input) async throws -> Operations.GetSyncStatus.Output {
        try Caller.require(.read)
        return .ok(.init(body: .json(try await syncStatus())))
    }

    func setAutoSync(_ input: Operations.SetAutoSync.Input) async throws -> Operations.SetAutoSync.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        try await scheduler.setAutoSync(body.enabled)
        return .ok(.init(body: .json(try await syncStatus())))
    }

    func runSync(_ input: Operations.RunSync.Input) async throws -> Operations.RunSync.Output {
        try Caller.require(.write)
        guard !sources.names.isEmpty else {
            throw APIError.conflict("no source is configured: set TOGGL_API_TOKEN or CLOCKIFY_API_KEY")
        }
        await scheduler.runNow()
        return .accepted(.init(body: .json(try await syncStatus())))
    }

    func syncStatus() async throws -> Components.Schemas.SyncStatus {
        let instant = now
        let autoSync = try await scheduler.autoSyncEnabled()
        let snapshot = await scheduler.snapshot()
        var sourceStatuses: [Components.Schemas.SyncSourceStatus] = []
        for source in [TimeEntrySource.toggl, .clockify] {
            let configured = sources.names.contains(source)
            let state = try await store.syncState(source: source)
            let requests = try await store.syncRuns(source: source, since: instant.addingTimeInterval(-3600))
                .reduce(0) { $0 + $1.requests }
            let waiting = state?.waitUntil.map { $0 > instant } ?? false
            let sourceState: Components.Schemas.SyncSourceStatus.StatePayload =
                !configured ? .unconfigured
                : snapshot.running.contains(source) ? .syncing
                : waiting ? .waiting
                : state?.lastError != nil ? .error : .idle
            var changed: Int?
            if let report = snapshot.lastReports[source], case .synced(let counts, _) = report.outcome {
                changed = counts.added + counts.updated + counts.deleted
            } else if let last = try await store.syncRuns(source: source, since: instant.addingTimeInterval(-86_400)).last {
                changed = last.counts.added + last.counts.updated + last.counts.deleted
            }
            sourceStatuses.append(
                .init(
                    name: source == .toggl ? .toggl : .clockify, configured: configured, state: sourceState,
                    lastSuccessAt: state?.lastSuccessAt, lastError: state?.lastError, changedLastRun: changed,
                    requestsLastHour: requests, quotaRemaining: state?.quotaRemaining, quotaResetsAt: state?.quotaResetsAt,
                    waitUntil: waiting ? state?.waitUntil : nil))
        }
        let configured = sourceStatuses.filter(\.configured)
        let overall: Components.Schemas.SyncStatus.StatePayload =
            configured.isEmpty ? .unconfigured
            : configured.contains(where: { $0.state == .syncing }) ? .syncing
            : !autoSync ? .disabled
            : configured.contains(where: { $0.state == .error || $0.state == .waiting }) ? .error : .idle
        return .init(
            state: overall, autoSync: autoSync, intervalSeconds: Int(scheduler.interval.components.seconds),
            lastSyncAt: configured.compactMap(\.lastSuccessAt).max(),
            nextSyncAt: autoSync && !configured.isEmpty ? snapshot.nextCycle : nil, sources: sourceStatuses)
    }
}
