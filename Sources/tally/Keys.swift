import ArgumentParser
import Foundation
import TallyCore
import TallyServer
import TallyStore

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it (it is shown only this once).")

        @Option(help: "What the key is for, such as \"CRM sync\".")
        var name: String

        @Option(help: "The user the key belongs to.")
        var user: String?

        @Option(help: "Comma-separated scopes: read, write, admin.")
        var scopes: String = "read,write"

        @Option(help: "Days until the key expires (default: never).")
        var expiresInDays: Int?

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            guard let parsedScopes = Scope.parseList(scopes) else {
                throw CLIError("--scopes must be a comma-separated list of read, write and admin")
            }
            if let expiresInDays, expiresInDays < 1 { throw CLIError("--expires-in-days must be at least 1") }
            let store = try databaseOptions.openStore()
            let now = Date()
            let secret = APIKeySecret.generate()
            let key = secret.record(
                id: Identifier.make("key", at: now), name: name, scopes: parsedScopes, userID: user, createdAt: now,
                expiresAt: expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) })
            try await CLIError.reporting {
                try key.validate()
                try await store.createAPIKey(key)
            }
            print(secret.value)
            FileHandle.standardError.write(
                Data(
                    ("Created API key \(key.id) (\(key.prefix)…) with scopes \(parsedScopes.map(\.rawValue).joined(separator: ",")).\n"
                        + "Store it now: it is not shown again. Send it as 'Authorization: Bearer <key>'.\n").utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try databaseOptions.openStore()
            let keys = try await store.apiKeys()
            let now = Date()
            switch format {
            case .json:
                try printJSON(keys.map(KeyOutput.init))
            case .table:
                printTable(
                    ["ID", "NAME", "PREFIX", "SCOPES", "USER", "LAST USED", "STATE"],
                    keys.map { key in
                        [
                            key.id, key.name, key.prefix, key.scopes.map(\.rawValue).joined(separator: ","),
                            key.userID ?? "", key.lastUsedAt.map { $0.formatted(.iso8601) } ?? "never",
                            key.revokedAt != nil ? "revoked" : key.isActive(at: now) ? "active" : "expired",
                        ]
                    })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key; it stops working at once.")

        @Argument(help: "The key's id (key_…), as `tally keys list` shows it.")
        var id: String

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try databaseOptions.openStore()
            guard try await store.revokeAPIKey(id: id, at: Date()) else {
                throw CLIError("no API key has the id '\(id)'")
            }
            FileHandle.standardError.write(Data("Revoked API key \(id).\n".utf8))
        }
    }
}

struct KeyOutput: Encodable {
    var id, name, prefix: String
    var scopes: [String]
    var user_id: String?
    var created_at: Date
    var last_used_at, expires_at, revoked_at: Date?

    init(_ key: APIKey) {
        id = key.id
        name = key.name
        prefix = key.prefix
        scopes = key.scopes.map(\.rawValue)
        user_id = key.userID
        created_at = key.createdAt
        last_used_at = key.lastUsedAt
        expires_at = key.expiresAt
        revoked_at = key.revokedAt
    }
}
