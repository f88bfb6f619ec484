import Foundation
import OpenAPIRuntime
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func importAppleHealth(_ input: Operations.ImportAppleHealth.Input) async throws -> Operations.ImportAppleHealth.Output {
        try Caller.require(.write)
        let userID = try await importOwner(input.query.userId ?? Caller.access.ownUserID)
        try Caller.requireChange(of: userID, "time entries")
        let body: HTTPBody
        switch input.body {
        case .applicationZip(let sent), .xml(let sent), .binary(let sent): body = sent
        }
        let instant = now
        let id = Identifier.make("imp", at: instant)
        let file = try await spool.write(body, limit: configuration.importMaxBytes, name: "tally-\(id).upload")
        do {
            _ = try HealthExportReader(path: file.path)
        } catch {
            file.remove()
            throw APIError.unprocessable("not-a-health-export", "Not an Apple Health export", error.description)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        let registry = imports
        registry.begin(.init(id: id, userID: userID, totalBytes: size, createdAt: instant))
        let store = self.store
        let clock = configuration.now
        let rules = try await rulesBook.rules()
        Task.detached {
            defer { file.remove() }
            do {
                let summary = try await HealthExportImport(path: file.path, userID: userID, rules: rules).run(into: store, at: clock()) {
                    registry.progress(id, $0)
                }
                registry.finish(id, at: clock(), .success(summary))
            } catch {
                registry.finish(id, at: clock(), .failure(error))
            }
        }
        guard let status = registry.status(id) else { throw TallyError.notFound(kind: "import", id: id) }
        return .accepted(.init(headers: .init(location: "/v1/imports/\(id)"), body: .json(status.wire)))
    }

    func getImport(_ input: Operations.GetImport.Input) async throws -> Operations.GetImport.Output {
        try Caller.require(.read)
        guard let status = imports.status(input.path.id) else { throw TallyError.notFound(kind: "import", id: input.path.id) }
        try Caller.requirePrivateRead(of: status.userID, kind: "import", id: status.id)
        return .ok(.init(body: .json(status.wire)))
    }

    private func importOwner(_ requested: String?) async throws -> String {
        switch try await store.owner(requested) {
        case .user(let id): return id
        case .unknown(let id): throw APIError.validation([FieldError(field: "user_id", "no user has the id '\(id)'")])
        case .noUsers, .severalUsers:
            throw APIError.badRequest(
                "say whose export this is with ?user_id=ID", errors: [FieldError(field: "user_id", "is required")])
        }
    }
}

extension ImportRegistry.Status {
    var wire: Components.Schemas.Import {
        .init(
            id: id, kind: .appleHealth, userId: userID, state: .init(rawValue: state.rawValue)!, bytesRead: bytesRead,
            totalBytes: totalBytes, workouts: workouts, mindfulSessions: mindfulSessions, added: added,
            alreadyPresent: alreadyPresent, error: error, createdAt: createdAt, finishedAt: finishedAt)
    }
}
