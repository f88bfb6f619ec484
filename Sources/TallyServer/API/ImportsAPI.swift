import Foundation
import OpenAPIRuntime
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func importAppleHealth(_ input: Operations.ImportAppleHealth.Input) async throws -> Operations.ImportAppleHealth.Output {
        try Caller.require(.write)
        let userID = try await importOwner(input.query.userId)
        let body: HTTPBody
        switch input.body {
        case .applicationZip(let sent), .xml(let sent), .binary(let sent): body = sent
        }
        let instant = now
        let id = Identifier.make("imp", at: instant)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(id).upload")
        try await spool(body, to: file)
        do {
            _ = try HealthExportReader(path: file.path)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw APIError.unprocessable("not-a-health-export", "Not an Apple Health export", error.description)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        let registry = imports
        registry.begin(.init(id: id, userID: userID, totalBytes: size, createdAt: instant))
        let store = self.store
        let clock = configuration.now
        Task.detached {
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                let summary = try await HealthExportImport(path: file.path, userID: userID).run(into: store, at: clock()) {
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
        return .ok(.init(body: .json(status.wire)))
    }

    private func importOwner(_ requested: String?) async throws -> String {
        if let requested {
            guard try await store.user(id: requested) != nil else {
                throw APIError.validation([FieldError(field: "user_id", "no user has the id '\(requested)'")])
            }
            return requested
        }
        let users = try await store.users(after: nil, limit: 2)
        guard users.count == 1 else {
            throw APIError.badRequest(
                "say whose export this is with ?user_id=ID", errors: [FieldError(field: "user_id", "is required")])
        }
        return users[0].id
    }

    /// Writes the upload to a private file as it arrives, up to the import size limit.
    private func spool(_ body: HTTPBody, to file: URL) async throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: file)
        else { throw APIError.unavailable("cannot store the upload in \(file.deletingLastPathComponent().path)") }
        do {
            defer { try? handle.close() }
            var written = 0
            for try await chunk in body {
                written += chunk.count
                guard written <= configuration.importMaxBytes else {
                    throw APIError.contentTooLarge(limit: configuration.importMaxBytes)
                }
                try handle.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
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
