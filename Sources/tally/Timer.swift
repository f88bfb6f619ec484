import ArgumentParser
import Foundation
import TallyCore
import TallyIntegrations

struct Timer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start, stop or show the running timer at Toggl (or Clockify).",
        subcommands: [Start.self, Stop.self, Current.self])

    struct Options: ParsableArguments {
        @Option(help: "toggl or clockify (default: toggl when configured).")
        var source: String?

        @Option(help: "The user the entry belongs to in Tally (default: $TALLY_SYNC_USER, else the only user).")
        var user: String?

        @OptionGroup var databaseOptions: DatabaseOptions

        func validate() throws {
            if let source, !["toggl", "clockify"].contains(source) {
                throw ValidationError("--source must be toggl or clockify, not '\(source)'")
            }
        }

        func control() async throws -> TimerControl {
            let context = try IntegrationContext(database: databaseOptions)
            let userID = try await context.owner(user)
            return try await CLIError.fromSource {
                try await TimerControl.make(
                    sources: context.sources, requested: source.flatMap(TimeEntrySource.init(rawValue:)),
                    store: context.store, rules: { try await context.rulesBook.rules() }, userID: userID,
                    now: Date.init)
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a timer (the source stops a running one).",
            discussion: """
                --category becomes a project at the source whose name the category rules map to it, \
                else a tag keyword of the rules for it, else a tag with the category's name.
                """)

        @Argument(help: "What you are doing, such as \"Deep work sessie\".")
        var description: String

        @Option(help: "The category the time belongs to, such as Coding.")
        var category: String?

        @Option(help: "A project name at the source (wins over --category).")
        var project: String?

        @Option(help: "A tag; repeat for more.")
        var tag: [String] = []

        @OptionGroup var options: Options

        func run() async throws {
            let control = try await options.control()
            let entry = try await CLIError.fromSource {
                try await control.start(description: description, category: category, project: project, tags: tag)
            }
            print("Started: \(Timer.describe(entry))")
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the running timer.")

        @OptionGroup var options: Options

        func run() async throws {
            let control = try await options.control()
            guard let entry = try await CLIError.fromSource({ try await control.stop() }) else {
                print("No timer was running.")
                return
            }
            print("Stopped: \(Timer.describe(entry))")
        }
    }

    struct Current: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the running timer.")

        @OptionGroup var options: Options

        func run() async throws {
            let control = try await options.control()
            guard let entry = try await CLIError.fromSource({ try await control.current() }) else {
                print("No timer is running.")
                return
            }
            print("Running: \(Timer.describe(entry))")
        }
    }

    static func describe(_ entry: TimeEntry, now: Date = Date()) -> String {
        let seconds = Int((entry.stop ?? now).timeIntervalSince(entry.start))
        let length = String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        var parts = ["\"\(entry.description)\"", entry.category, "since \(RFC3339.format(entry.start))", length]
        if let project = entry.project { parts.insert("project \(project)", at: 2) }
        return parts.joined(separator: " · ")
    }
}
