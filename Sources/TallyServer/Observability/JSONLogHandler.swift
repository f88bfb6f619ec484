import Foundation
import Logging
import TallyCore

/// One JSON object per line on standard error, keys sorted: the structured log `tally serve`
/// writes. Lines are built as bytes and handed to `LogOutput`, which writes them in batches.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    /// Written by the handler itself; metadata of the same names is replaced.
    private static let ownKeys: Set<String> = ["ts", "level", "msg", "logger"]

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(key: String, value: String)] = [
            ("ts", RFC3339.format(Date())), ("level", event.level.rawValue), ("msg", event.message.description),
            ("logger", label),
        ]
        let extra = event.metadata ?? [:]
        for (key, value) in metadata where extra[key] == nil && !Self.ownKeys.contains(key) {
            fields.append((key, Self.text(value)))
        }
        for (key, value) in extra where !Self.ownKeys.contains(key) { fields.append((key, Self.text(value))) }
        fields.sort { $0.key < $1.key }
        var line: [UInt8] = []
        line.reserveCapacity(320)
        line.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            Self.appendQuoted(field.key, to: &line)
            line.append(UInt8(ascii: ":"))
            Self.appendQuoted(field.value, to: &line)
        }
        line.append(contentsOf: "}\n".utf8)
        LogOutput.standardError.append(line, urgent: event.level >= .warning)
    }

    /// A metadata value as text; strings without interpolation.
    static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        default: "\(value)"
        }
    }

    /// A JSON string literal (RFC 8259 escapes); other bytes, UTF-8 included, are copied as they are.
    static func appendQuoted(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        defer { line.append(UInt8(ascii: "\"")) }
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            line.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): line.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): line.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): line.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): line.append(contentsOf: #"\t"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                line.append(contentsOf: #"\u00"#.utf8)
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 15)])
            default: line.append(byte)
            }
        }
    }
}
