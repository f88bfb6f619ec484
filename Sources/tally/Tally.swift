import ArgumentParser
import TallyCore
import Foundation
import TallyServer

@main
struct Tally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Tally: a self-hosted time- and goal-tracking hub.",
        version: TallyVersion.current,
        subcommands: [
            Serve.self, Users.self, Keys.self, Webhooks.self, ImportHealth.self, Sync.self, Timer.self, Categories.self,
            Toggl.self, Report.self, OpenAPI.self,
        ]
    )
}
