import ArgumentParser
import Foundation
import TallyCore
import TallyIntegrations

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sync Toggl and Clockify once (for cron and systemd timers).",
        discussion: """
            Prints one line per source: fetched, created, updated, deleted, unchanged, requests used. \
            Exits 1 when a source failed, and 75 (try again later) when a source is over its quota or \
            rate limit and waits; nothing already stored is lost either way. The first sync reads the \
            last --days days; later Toggl syncs ask only for what changed.
            """)

    @Option(help: "How many days back to read on a first sync (and, for Clockify, every sync).")
    var days = 7

    @Option(help: "Sync only this source: toggl or clockify.")
    var source: String?

    @Option(help: "The user synced time belongs to (default: $TALLY_SYNC_USER, else the only user).")
    var user: String?

    @OptionGroup var databaseOptions: DatabaseOptions

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
        if let source, !["toggl", "clockify"].contains(source) {
            throw ValidationError("--source must be toggl or clockify, not '\(source)'")
        }
    }

    func run() async throws {
        let context = try IntegrationContext(database: databaseOptions)
        let only = source.flatMap(TimeEntrySource.init(rawValue:))
        if let only, !context.sources.names.contains(only) {
            throw CLIError(SourceNotConfigured(source: only).description)
        }
        guard !context.sources.names.isEmpty else {
            throw CLIError("no source is configured: set TOGGL_API_TOKEN or CLOCKIFY_API_KEY")
        }
        let userID = try await context.owner(user)
        _ = try await context.rules()
        let engine = SyncEngine(
            store: context.store, sources: context.sources.syncSources, userID: userID,
            rules: { try await context.rulesBook.rules() })
        let display = SyncProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let reports = await SyncProgress.$observer.withValue(SyncProgress.Observer { source, step in display.show(source, step) }) {
            await engine.sync(days: days, only: only)
        }
        display.finish()
        for report in reports { print(report.line) }
        if reports.contains(where: { if case .failed = $0.outcome { true } else { false } }) { throw ExitCode(1) }
        if reports.contains(where: { !$0.succeeded }) { throw ExitCode(75) }
    }
}

/// One self-overwriting line on a terminal's stderr while a sync runs: which source, how many
/// requests, the latest path, seconds so far.
final class SyncProgressLine: Sendable {
    let enabled: Bool
    let started = ContinuousClock.now

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ source: TimeEntrySource?, _ step: SyncProgress.Step) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - started
        let seconds = String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let name = source?.rawValue ?? "sync"
        let what: String
        switch step {
        case .request(let number, let method, let path): what = "request \(number) · \(method) \(path)"
        case .storing(let entries): what = "storing \(entries) changes"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(name): \(what) · \(seconds)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
