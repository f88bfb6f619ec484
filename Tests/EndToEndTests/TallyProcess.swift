import Foundation
import Synchronization

/// The built `tally` binary, run as a child process the way a user or systemd runs it.
final class TallyProcess: @unchecked Sendable {
    let process = Process()
    private let captured = CapturedOutput()
    private let pipes = (stdout: Pipe(), stderr: Pipe())

    /// The directory holding the test bundle also holds the `tally` binary SwiftPM built.
    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["TALLY_BINARY"] { return URL(fileURLWithPath: override) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tally")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return executable.deletingLastPathComponent().appendingPathComponent("tally")
    }

    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let (stdout, stderr) = pipes
        process.standardOutput = stdout
        process.standardError = stderr
        let captured = self.captured
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            captured.value.withLock { $0.stdout.append(data) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            captured.value.withLock { $0.stderr.append(data) }
        }
        try process.run()
    }

    var stdout: String { captured.value.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { captured.value.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Runs a command to completion and returns its exit status and output.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let child = try TallyProcess(arguments, in: directory, environment: environment)
        let status = try await child.waitForExit(timeout: .seconds(60))
        child.drainOutput()
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

    /// After exit: reads what is still in the pipes, so no output is cut short.
    func drainOutput() {
        for (pipe, isStdout) in [(pipes.stdout, true), (pipes.stderr, false)] {
            pipe.fileHandleForReading.readabilityHandler = nil
            let rest = pipe.fileHandleForReading.readDataToEndOfFile()
            captured.value.withLock { isStdout ? $0.stdout.append(rest) : $0.stderr.append(rest) }
        }
    }

    func terminate(signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }
}

final class CapturedOutput: Sendable {
    let value = Mutex<(stdout: Data, stderr: Data)>((Data(), Data()))
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
