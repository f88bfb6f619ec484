import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func currentTimer(_ input: Operations.CurrentTimer.Input) async throws -> Operations.CurrentTimer.Output {
        try Caller.require(.read)
        let control = try await timerControl(input.query.source?.rawValue)
        return .ok(.init(body: .json(try Self.timer(control.source, try await control.current()))))
    }

    func startTimer(_ input: Operations.StartTimer.Input) async throws -> Operations.StartTimer.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let description = body.description.trimmingCharacters(in: .whitespaces)
        guard !description.isEmpty else { throw ValidationError(field: "description", "must not be empty") }
        let control = try await timerControl(input.query.source?.rawValue)
        let entry = try await control.start(
            description: description, category: body.category, project: body.project, tags: body.tags ?? [])
        return .created(.init(body: .json(try Self.timer(control.source, entry))))
    }

    func stopTimer(_ input: Operations.StopTimer.Input) async throws -> Operations.StopTimer.Output {
        try Caller.require(.write)
        let control = try await timerControl(input.query.source?.rawValue)
        let stopped = try await control.stop()
        return .ok(.init(body: .json(.init(source: .init(rawValue: control.source.rawValue) ?? .toggl, running: false, entry: try stopped?.wire))))
    }

    /// The trackers' timer is the sync user's: only they, or someone acting for the team, use it.
    func timerControl(_ requested: String?) async throws -> TimerControl {
        let owner = try await syncOwner()
        guard Caller.access.mayChange(recordsOf: owner) else {
            throw APIError.forbidden("the timer belongs to the sync user, '\(owner)'")
        }
        return try await TimerControl.make(
            sources: sources, requested: requested.flatMap(TimeEntrySource.init(rawValue:)), store: store,
            rules: { try await rulesBook.rules() }, userID: owner, now: configuration.now)
    }

    /// Whose synced entries these are: `TALLY_SYNC_USER`, else the only user.
    func syncOwner() async throws -> String {
        switch try await store.owner(configuration.integrations.syncUser) {
        case .user(let id): return id
        case .unknown(let id): throw TallyError.notFound(kind: "user", id: id)
        case .noUsers: throw APIError.conflict("create a user first: synced time belongs to a user")
        case .severalUsers: throw APIError.conflict("set TALLY_SYNC_USER to the user synced time belongs to")
        }
    }

    static func timer(_ source: TimeEntrySource, _ entry: TimeEntry?) throws -> Components.Schemas.Timer {
        .init(source: .init(rawValue: source.rawValue) ?? .toggl, running: entry?.stop == nil && entry != nil, entry: try entry?.wire)
    }
}
