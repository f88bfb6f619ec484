import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import TallyCore
import TallyIntegrations
import TallyServer
import TallyStore
import TallyWebhooks

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Tally server: API v1, docs and metrics.",
        discussion: "Settings come from TALLY_* environment variables; flags override them. Stops cleanly on SIGINT or SIGTERM."
    )

    @Option(help: "Address to listen on (default: $TALLY_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (default: $TALLY_PORT, else 8001).")
    var port: Int?

    @OptionGroup var databaseOptions: DatabaseOptions

    @Option(help: "Log format: json (one object per line) or text.")
    var logFormat: LogFormat = .json

    func run() async throws {
        var configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.fromEnvironment() } catch { throw CLIError(error.description) }
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw CLIError("--port must be from 0 to 65535") }
            configuration.port = port
        }
        if databaseOptions.database != nil { configuration.database = try databaseOptions.location() }
        let environment = ProcessInfo.processInfo.environment
        for name in ServerConfiguration.secretVariables {
            for secret in (environment[name] ?? "").split(separator: ",") { SecretRedaction.register(String(secret)) }
        }
        if let path = configuration.integrations.categoryRulesPath {
            // A broken rules file is found now, not at the first sync or request.
            do { _ = try CategoryRulesBook.load(file: path) } catch { throw CLIError(error.description) }
        }

        let logLevel = ProcessInfo.processInfo.environment["TALLY_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler = RedactingLogHandler(
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label))
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "tally")
        // Requests are handled on the event loop that reads and writes their connection instead
        // of hopping to Swift's global pool and back, as Vapor's template does. Long work runs
        // elsewhere: bcrypt on NIOThreadPool, reading an Apple Health export on the store's queue.
        let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        logger.debug("Swift concurrency runs on the event loops", metadata: ["installed": "\(onEventLoops)"])

        let metrics = ServerMetrics()
        let store: any TallyStore
        do { store = try configuration.database.open(activity: metrics.database) } catch let error as TallyError {
            throw CLIError(error)
        }
        let secretBox: SecretBox
        do { secretBox = try configuration.database.secretBox() } catch { throw CLIError("\(error)") }
        let settings = configuration
        let app = try buildApplication(
            configuration: settings, store: store, secretBox: secretBox, metrics: metrics, logger: logger
        ) { channel in
            let address = channel.localAddress
            logger.info(
                "listening",
                metadata: [
                    "url": "http://\(address?.ipAddress ?? settings.host):\(address?.port ?? settings.port)",
                    "database": "\(settings.database.redacted)",
                ])
        }
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw CLIError("the server stopped: \(error)")
        }
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case json, text
}
