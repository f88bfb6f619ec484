import ArgumentParser
import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

struct ImportHealth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-health",
        abstract: "Import workouts and mindful sessions from an Apple Health export.",
        discussion: """
            PATH is export.zip, the unzipped apple_health_export folder, or its XML file. The archive is \
            read as a stream (never unpacked). Importing the same or a newer export again adds only what is \
            new; a damaged export changes nothing.
            """)

    @Argument(help: "export.zip, the apple_health_export folder, or export.xml.")
    var path: String

    @Option(help: "The user the entries belong to (default: the only user, if there is just one).")
    var user: String?

    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let context = try IntegrationContext(database: databaseOptions)
        let store = context.store
        let userID = try await owner(in: store)
        let rules = try await context.rules()
        let display = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let summary: HealthExportImport.Summary
        do {
            summary = try await HealthExportImport(path: path, userID: userID, rules: rules).run(into: store) { progress in
                display.show(progress)
            }
        } catch let error as HealthExportError {
            display.finish()
            throw CLIError("\(path): \(error.description); nothing was imported")
        } catch let error as TallyError {
            display.finish()
            throw CLIError(error)
        }
        display.finish()
        report(summary)
    }

    private func owner(in store: any TallyStore) async throws -> String {
        switch try await store.owner(user) {
        case .user(let id): return id
        case .unknown(let id): throw CLIError("no user has the id '\(id)'")
        case .noUsers: throw CLIError("there are no users yet; create one with 'tally users create' or pass --user")
        case .severalUsers: throw CLIError("there are several users; say whose export this is with --user ID")
        }
    }

    private func report(_ summary: HealthExportImport.Summary) {
        var lines: [String] = []
        let workouts = summary.workouts.values.reduce(0, +)
        lines.append("Workouts: \(workouts)")
        for (name, count) in summary.workouts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            lines.append("  \(name): \(count)")
        }
        lines.append("Mindful sessions: \(summary.mindfulSessions)")
        lines.append("New entries: \(summary.added); already present: \(summary.alreadyPresent)")
        if summary.skipped.isEmpty {
            lines.append("Skipped: none")
        } else {
            for (reason, count) in summary.skipped.sorted(by: { $0.key < $1.key }) {
                lines.append("Skipped: \(count) (\(reason))")
            }
        }
        print(lines.joined(separator: "\n"))
    }
}

/// One self-overwriting status line on a terminal; silent when stderr is not one.
final class ProgressLine: Sendable {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: HealthExportProgress) {
        guard enabled else { return }
        let percent = Int(progress.fractionCompleted * 100)
        let line =
            "\r\(percent)% · \(megabytes(progress.bytesRead)) of \(megabytes(progress.totalBytes)) · "
            + "\(progress.workouts) workouts · \(progress.mindfulSessions) mindful sessions"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
