import Foundation
import Synchronization

/// The logs of a whole test run, and every secret the tests made: `scripts/check-test-logs`
/// looks for each secret in each log after the run. Files live in `$TALLY_TEST_LOG_DIR`, which
/// `scripts/test` sets (nothing is written without it).
public enum TestRunLog {
    public static let directory: URL? = ProcessInfo.processInfo.environment["TALLY_TEST_LOG_DIR"].flatMap {
        $0.isEmpty ? nil : URL(fileURLWithPath: $0)
    }
    private static let lock = Mutex<Void>(())

    /// A key, signing secret or token a test created or configured.
    public static func recordSecret(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains("\n") else { return }
        append(trimmed + "\n", to: "secrets.txt")
    }

    /// Lines a server or command wrote to its log.
    public static func append(_ text: String, to file: String) {
        guard let directory, !text.isEmpty else { return }
        lock.withLock { _ in
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = directory.appendingPathComponent(file)
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            guard let handle = try? FileHandle(forWritingTo: url) else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(text.utf8))
        }
    }
}
