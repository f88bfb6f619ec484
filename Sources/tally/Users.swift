import ArgumentParser
import Foundation
import TallyCore
import TallyServer
import TallyStore

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users.", subcommands: [Create.self, List.self, Passwd.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")

        @Option(help: "The user's id, such as user123 (generated when left out).")
        var id: String?

        @Option(help: "The user's name.")
        var name: String

        @Option(help: "Email address.")
        var email: String?

        @Option(help: "admin, manager or member.")
        var role: Role = .member

        @Option(help: "IANA time zone (default: $TALLY_DEFAULT_TIMEZONE, else UTC).")
        var timezone: String?

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let settings: ServerConfiguration
            do { settings = try ServerConfiguration.fromEnvironment() } catch { throw CLIError(error.description) }
            let store = try databaseOptions.openStore()
            let now = Date()
            let user = User(
                id: id ?? Identifier.make("usr", at: now), name: name, email: email, role: role,
                timezone: timezone ?? settings.defaultTimezone, createdAt: now, updatedAt: now)
            try await CLIError.reporting {
                try user.validate()
                try await store.createUser(user)
            }
            print(user.id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try databaseOptions.openStore()
            var users: [User] = []
            var after: String?
            repeat {
                let page = try await store.users(after: after, limit: 500)
                users += page
                after = page.count == 500 ? page.last?.id : nil
            } while after != nil
            switch format {
            case .json:
                try printJSON(users.map(UserOutput.init))
            case .table:
                printTable(
                    ["ID", "NAME", "EMAIL", "ROLE", "TIMEZONE"],
                    users.map { [$0.id, $0.name, $0.email ?? "", $0.role.rawValue, $0.timezone] })
            }
        }
    }
}

struct UserOutput: Encodable {
    var id, name: String
    var email: String?
    var role, timezone: String
    var created_at: Date

    init(_ user: User) {
        id = user.id
        name = user.name
        email = user.email
        role = user.role.rawValue
        timezone = user.timezone
        created_at = user.createdAt
    }
}

extension Role: ExpressibleByArgument {}

extension Users {
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's dashboard password (and sign them out everywhere).",
            discussion: "Asks twice on a terminal; otherwise reads one line from standard input.")

        @Argument(help: "The user's id.")
        var id: String

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let settings: ServerConfiguration
            do { settings = try ServerConfiguration.fromEnvironment() } catch { throw CLIError(error.description) }
            let store = try databaseOptions.openStore()
            guard try await store.user(id: id) != nil else { throw CLIError("no user has the id '\(id)'") }
            let password = try readPassword()
            if let problem = Passwords.problem(with: password) { throw CLIError("the password must be \(problem)") }
            let hash = try await Passwords.hash(password, cost: settings.dashboard.bcryptCost)
            guard try await store.setPasswordHash(userID: id, hash) else { throw CLIError("no user has the id '\(id)'") }
            FileHandle.standardError.write(Data("password set for \(id); their dashboard sessions are signed out\n".utf8))
        }

        func readPassword() throws -> String {
            guard isatty(STDIN_FILENO) == 1 else {
                guard let line = Swift.readLine(strippingNewline: true) else { throw CLIError("no password on standard input") }
                return line
            }
            guard let first = getpass("New password: ").map({ String(cString: $0) }),
                let second = getpass("Again: ").map({ String(cString: $0) })
            else { throw CLIError("no password given") }
            guard first == second else { throw CLIError("the two passwords differ") }
            return first
        }
    }
}
