import Foundation
import TallyCore
import TallyStore

extension TallyAPI {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        try Caller.require(.read)
        let limit = try pageSize(input.query.limit)
        let after = try PageCursor.decode(input.query.cursor)
        var users = try await store.users(after: after?.id, limit: limit + 1)
        let next = PageCursor.next(&users, pageSize: limit) { PageAfter(sortKey: "", id: $0.id) }
        return .ok(.init(body: .json(.init(users: users.map(\.wire), nextCursor: next))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let instant = now
        let user = User(
            id: body.id ?? Identifier.make("usr", at: instant), name: body.name, email: body.email,
            role: body.role.map(Role.init) ?? .member, timezone: body.timezone ?? configuration.defaultTimezone,
            createdAt: instant, updatedAt: instant)
        try user.validate()
        try await store.createUser(user)
        return .created(.init(headers: .init(location: "/v1/users/\(user.id)"), body: .json(user.wire)))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        try Caller.require(.read)
        guard let user = try await store.user(id: input.path.id) else {
            throw TallyError.notFound(kind: "user", id: input.path.id)
        }
        return .ok(.init(body: .json(user.wire)))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let nulls = ExplicitNulls.keys()
        let instant = now
        let user = try await store.updateUser(id: input.path.id) { user in
            if let name = body.name { user.name = name }
            if let email = body.email { user.email = email } else if nulls.contains("email") { user.email = nil }
            if let role = body.role { user.role = Role(role) }
            if let timezone = body.timezone { user.timezone = timezone }
            user.updatedAt = instant
            try user.validate()
        }
        return .ok(.init(body: .json(user.wire)))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        try Caller.require(.admin)
        guard try await store.deleteUser(id: input.path.id, at: now) else {
            throw TallyError.notFound(kind: "user", id: input.path.id)
        }
        return .noContent(.init())
    }
}

extension User {
    var wire: Components.Schemas.User {
        .init(
            id: id, name: name, email: email, role: Components.Schemas.Role(role), timezone: timezone,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension Role {
    init(_ wire: Components.Schemas.Role) {
        switch wire {
        case .admin: self = .admin
        case .manager: self = .manager
        case .member: self = .member
        }
    }
}

extension Components.Schemas.Role {
    init(_ role: Role) {
        switch role {
        case .admin: self = .admin
        case .manager: self = .manager
        case .member: self = .member
        }
    }
}
