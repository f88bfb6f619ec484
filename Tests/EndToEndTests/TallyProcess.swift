import Foundation
import TallyTestSupport

/// The built `tally` binary, run as a child process the way a user or systemd runs it.
final class TallyProcess: @unchecked Sendable {
    let process = Process()
    /// The child writes to files, read on demand: no dispatch sources (FileHandle's
    /// readabilityHandler) that can race their own cancellation on Linux.
    private let outputFiles: (stdout: URL, stderr: URL)

    /// The `tally` binary SwiftPM built beside the test bundle (or `TALLY_BINARY`).
    static let binary = BuiltProducts.executable("tally", overriddenBy: "TALLY_BINARY")

    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], input: String? = nil) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        for name in Self.secretVariables { if let value = environment[name] { TestRunLog.recordSecret(value) } }
        printsSecret = arguments.count >= 2 && ["keys create", "webhooks add", "webhooks rotate"].contains(
            arguments[0] + " " + arguments[1])
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tally-output-\(UUID().uuidString)")
        outputFiles = (base.appendingPathExtension("out"), base.appendingPathExtension("err"))
        for file in [outputFiles.stdout, outputFiles.stderr] {
            FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        process.standardOutput = try FileHandle(forWritingTo: outputFiles.stdout)
        process.standardError = try FileHandle(forWritingTo: outputFiles.stderr)
        if let input {
            // Standard input from a file: the child sees no terminal, as under cron or a pipe.
            let file = base.appendingPathExtension("in")
            try Data(input.utf8).write(to: file)
            process.standardInput = try FileHandle(forReadingFrom: file)
        }
        try process.run()
    }

    /// Variables holding secrets, whose values must never reach a log (as ServerConfiguration lists them).
    static let secretVariables = [
        "TOGGL_API_TOKEN", "TOGGL_WEBHOOK_SECRET", "CLOCKIFY_API_KEY", "CLOCKIFY_WEBHOOK_TOKEN",
        "TALLY_HEALTH_WEBHOOK_TOKEN", "TALLY_SECRET_KEY", "TALLY_METRICS_TOKEN",
    ]
    /// `tally keys create` and `tally webhooks add` print only the new secret on stdout.
    private let printsSecret: Bool

    deinit {
        // Everything a child logged goes to the run's log, and every secret it printed to the
        // list scripts/check-test-logs looks for in those logs.
        let name = process.arguments?.prefix(2).joined(separator: "-") ?? "tally"
        TestRunLog.append(stderr, to: "tally-\(name).log")
        if printsSecret { TestRunLog.recordSecret(stdout) }
        try? FileManager.default.removeItem(at: outputFiles.stdout)
        try? FileManager.default.removeItem(at: outputFiles.stderr)
    }

    var stdout: String { (try? String(contentsOf: outputFiles.stdout, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: outputFiles.stderr, encoding: .utf8)) ?? "" }

    /// Runs a command to completion and returns its exit status and output.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], input: String? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try TallyProcess(arguments, in: directory, environment: environment, input: input)
        let status = try await child.waitForExit(timeout: .seconds(60))
        return (status, child.stdout, child.stderr)
    }

    func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw E2EFailure("tally \(process.arguments ?? []) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Waits for the server's structured "listening" log line and returns its URL.
    func waitUntilListening(timeout: Duration = .seconds(30)) async throws -> URL {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in stderr.split(separator: "\n") {
                guard let data = line.data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    object["msg"] as? String == "listening", let url = object["url"] as? String
                else { continue }
                return URL(string: url)!
            }
            guard process.isRunning else { throw E2EFailure("tally serve exited early: \(stderr)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EFailure("tally serve did not start listening: \(stderr)")
    }


    func terminate(signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }
}

struct E2EFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func makeTemporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
