import Foundation
import TallyCore
import TallyStore

extension TallyAPI {
    func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        try Caller.require(.admin)
        let keys = try await store.apiKeys()
        return .ok(.init(body: .json(.init(apiKeys: keys.map(\.wire)))))
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let instant = now
        if let expiresAt = body.expiresAt, expiresAt <= instant {
            throw APIError.validation([FieldError(field: "expires_at", "must be in the future")])
        }
        let secret = APIKeySecret.generate()
        let scopes = (body.scopes?.map(Scope.init) ?? [.read, .write]).reduce(into: [Scope]()) {
            if !$0.contains($1) { $0.append($1) }
        }.sorted()
        let key = secret.record(
            id: Identifier.make("key", at: instant), name: body.name, scopes: scopes, userID: body.userId,
            createdAt: instant, expiresAt: body.expiresAt)
        try key.validate()
        try await store.createAPIKey(key)
        return .created(.init(body: .json(.init(value1: key.wire, value2: .init(key: secret.value)))))
    }

    func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        try Caller.require(.admin)
        guard try await store.revokeAPIKey(id: input.path.id, at: now) else {
            throw TallyError.notFound(kind: "API key", id: input.path.id)
        }
        return .noContent(.init())
    }
}

extension APIKey {
    var wire: Components.Schemas.APIKey {
        .init(
            id: id, name: name, prefix: prefix, scopes: scopes.map(Components.Schemas.Scope.init), userId: userID,
            createdAt: createdAt, lastUsedAt: lastUsedAt, expiresAt: expiresAt, revokedAt: revokedAt)
    }
}

extension Scope {
    init(_ wire: Components.Schemas.Scope) {
        switch wire {
        case .read: self = .read
        case .write: self = .write
        case .admin: self = .admin
        }
    }
}

extension Components.Schemas.Scope {
    init(_ scope: Scope) {
        switch scope {
        case .read: self = .read
        case .write: self = .write
        case .admin: self = .admin
        }
    }
}
