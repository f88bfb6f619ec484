import Foundation
import Logging
import Synchronization
import TallyServer
import TallyTestSupport

/// The in-process servers' log: each line as `tally serve` would pass it on (through
/// `RedactingLogHandler`), kept in memory for the test that asks and appended to the run's log.
final class TestLogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
        TestRunLog.append(line + "\n", to: "in-process-servers.log")
    }

    func logger(label: String) -> Logger {
        Logger(label: label) { label in
            var handler = RedactingLogHandler(LineLogHandler(label: label, sink: self))
            handler.logLevel = .debug
            return handler
        }
    }
}

struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    let label: String
    let sink: TestLogLines

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.append("\(event.level) \(label): \(event.message) \(fields)")
    }
}
