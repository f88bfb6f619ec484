import ArgumentParser
import Foundation
import TallyCore
import TallyIntegrations

struct Categories: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the category rules and re-categorise stored entries.",
        subcommands: [Show.self, Apply.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rules in force (set over the API, else $TALLY_CATEGORY_RULES, else the defaults) as JSON.")

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let context = try IntegrationContext(database: databaseOptions)
            let (rules, origin) = try await CLIError.fromSource { try await context.rulesBook.current() }
            FileHandle.standardError.write(Data("Rules in force: \(origin.rawValue)\n".utf8))
            try printJSON(rules)
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-categorise stored entries with the rules in force; categories set by hand stay.")

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let context = try IntegrationContext(database: databaseOptions)
            let rules = try await context.rules()
            let changed = try await CLIError.reporting {
                try await context.store.recategorize(at: Date()) { rules.category(of: $0) }
            }
            print("Re-categorised \(changed) \(changed == 1 ? "entry" : "entries").")
        }
    }
}
