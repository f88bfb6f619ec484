import ArgumentParser
import Foundation
import TallyCore
import TallyIntegrations

struct Toggl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Toggl Track set-up.", subcommands: [Subscribe.self])

    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask Toggl to post time entry changes to this server's /webhooks/toggl.",
            discussion: """
                Creates a Webhooks API subscription signed with $TOGGL_WEBHOOK_SECRET, then waits a few \
                seconds for Toggl's validation ping, which a running 'tally serve' with the same secret \
                answers, and reports whether the subscription is validated. Toggl delivers nothing until it is.
                """)

        @Option(help: "The public URL of /webhooks/toggl, such as https://tally.example.com/webhooks/toggl.")
        var url: String

        @Option(help: "The Toggl workspace id (default: your default workspace).")
        var workspace: Int64?

        @Option(help: "The subscription's description, unique in the workspace.")
        var description = "Tally"

        @Option(help: "Seconds to wait for validation.")
        var wait = 10

        @OptionGroup var databaseOptions: DatabaseOptions

        func validate() throws {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ValidationError("--url must be an http(s) URL, not '\(url)'")
            }
        }

        func run() async throws {
            let context = try IntegrationContext(database: databaseOptions)
            guard let client = context.sources.toggl else { throw CLIError(SourceNotConfigured(source: .toggl).description) }
            guard let secret = context.settings.togglWebhookSecret else {
                throw CLIError("set TOGGL_WEBHOOK_SECRET (the same value 'tally serve' gets) to sign Toggl's deliveries")
            }
            try await CLIError.fromSource {
                let workspaceID: Int64
                if let workspace {
                    workspaceID = workspace
                } else {
                    guard let id = try await client.me().defaultWorkspaceID else {
                        throw CLIError("your Toggl account has no default workspace; pass --workspace")
                    }
                    workspaceID = id
                }
                let existing = try await client.subscriptions(workspaceID: workspaceID).first { $0.urlCallback == url }
                var subscription: TogglSubscription
                if let existing {
                    subscription = existing
                    print("Subscription \(existing.subscriptionID) already posts to \(url).")
                    if existing.validatedAt == nil {
                        try await client.ping(workspaceID: workspaceID, subscriptionID: existing.subscriptionID)
                        print("Asked Toggl to send its validation ping again.")
                    }
                } else {
                    subscription = try await client.createSubscription(
                        workspaceID: workspaceID, url: url, secret: secret, description: description)
                    print("Created subscription \(subscription.subscriptionID) posting to \(url).")
                }
                let deadline = Date().addingTimeInterval(Double(wait))
                while subscription.validatedAt == nil, Date() < deadline {
                    try await Task.sleep(for: .seconds(2))
                    subscription = try await client.subscriptions(workspaceID: workspaceID)
                        .first { $0.subscriptionID == subscription.subscriptionID } ?? subscription
                }
                if let validated = subscription.validatedAt {
                    print("Validated at \(RFC3339.format(validated)); \(subscription.enabled ? "enabled" : "disabled").")
                } else {
                    throw CLIError(
                        "subscription \(subscription.subscriptionID) is not validated yet: check that 'tally serve' answers at \(url) with the TOGGL_WEBHOOK_SECRET the subscription was made with, then run this again to ask for a new ping")
                }
            }
        }
    }
}
