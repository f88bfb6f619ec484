import Foundation
import Logging
import Synchronization
import TallyCore

/// One JSON object per line on standard error: the structured log `tally serve` writes.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    private static let output = Mutex<Void>(())

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        if let extra = event.metadata { for (key, value) in extra { fields[key] = "\(value)" } }
        fields["ts"] = RFC3339.format(Date())
        fields["level"] = event.level.rawValue
        fields["msg"] = event.message.description
        fields["logger"] = label
        var line = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            Self.appendQuoted(key, to: &line)
            line += ":"
            Self.appendQuoted(fields[key]!, to: &line)
        }
        line += "}\n"
        let bytes = Data(line.utf8)
        Self.output.withLock { _ in FileHandle.standardError.write(bytes) }
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                line += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
