import ArgumentParser
import TallyServer

struct OpenAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the API description this binary serves (openapi.yaml).")

    @Flag(help: "Print the HTML reference page (as served at /docs) instead.")
    var html = false

    func run() throws {
        print(html ? try APIReference.html() : APIReference.yaml, terminator: "")
    }
}
