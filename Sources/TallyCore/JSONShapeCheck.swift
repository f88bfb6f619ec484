import Foundation

/// A single pass over a JSON text before anything decodes it: refuses nesting deeper than a limit
/// (Foundation's decoder takes seconds on a few hundred levels and fails past 511) and strings
/// holding U+0000 (SQLite reads text as C strings, so stored text would end there). It reads
/// only structure and string escapes; whether the text is valid JSON is left to the decoder.
public enum JSONShapeCheck {
    public static let defaultMaximumDepth = 32

    public enum Problem: Equatable, Sendable {
        /// Objects and arrays nested deeper than the limit, the first one found at this pointer.
        case tooDeep(pointer: String, limit: Int)
        /// A string with `\u0000` (or a raw NUL byte) at this pointer.
        case nulCharacter(pointer: String)
    }

    public static func problem(in bytes: some Collection<UInt8>, maximumDepth: Int = defaultMaximumDepth) -> Problem? {
        var scanner = Scanner(maximumDepth: maximumDepth)
        for byte in bytes {
            if let problem = scanner.take(byte) { return problem }
        }
        return nil
    }

    /// The containers open at this point, each with the key or index being read.
    struct Scanner {
        enum Container {
            case object(key: [UInt8])
            case array(index: Int)
        }

        let maximumDepth: Int
        var path: [Container] = []
        var inString = false
        var escaped = false
        /// Counts the hex digits after `\u`; -1 when not in one.
        var unicodeDigits = -1
        var unicodeValue: UInt32 = 0
        /// The text of the string being read, kept only while it may be an object's key.
        var stringBytes: [UInt8] = []
        var stringIsKey = false
        /// Inside an object, whether the next string is a key (true) or a value.
        var expectingKey = false

        init(maximumDepth: Int) {
            self.maximumDepth = maximumDepth
        }

        mutating func take(_ byte: UInt8) -> Problem? {
            if inString { return takeInString(byte) }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringIsKey = expectingKey
                stringBytes.removeAll(keepingCapacity: true)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if path.count >= maximumDepth { return .tooDeep(pointer: pointer(), limit: maximumDepth) }
                path.append(byte == UInt8(ascii: "{") ? .object(key: []) : .array(index: 0))
                expectingKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = path.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                switch path.last {
                case .array(let index): path[path.count - 1] = .array(index: index + 1)
                case .object: expectingKey = true
                case nil: break
                }
            case UInt8(ascii: ":"):
                expectingKey = false
            default:
                break
            }
            return nil
        }

        mutating func takeInString(_ byte: UInt8) -> Problem? {
            if unicodeDigits >= 0 {
                unicodeValue = unicodeValue << 4 | UInt32(HexDigit.value(byte) ?? 0xF)
                unicodeDigits += 1
                if unicodeDigits == 4 {
                    unicodeDigits = -1
                    if unicodeValue == 0 { return .nulCharacter(pointer: pointer(includingKey: !stringIsKey)) }
                }
                return nil
            }
            if escaped {
                escaped = false
                if byte == UInt8(ascii: "u") {
                    unicodeDigits = 0
                    unicodeValue = 0
                }
                if stringIsKey { stringBytes.append(byte) }
                return nil
            }
            switch byte {
            case UInt8(ascii: "\\"):
                escaped = true
                if stringIsKey { stringBytes.append(byte) }
            case UInt8(ascii: "\""):
                inString = false
                if stringIsKey, case .object = path.last { path[path.count - 1] = .object(key: stringBytes) }
            case 0:
                return .nulCharacter(pointer: pointer(includingKey: !stringIsKey))
            default:
                if stringIsKey { stringBytes.append(byte) }
            }
            return nil
        }

        /// A JSON pointer (RFC 6901, `#/notes`) to where the scanner is.
        func pointer(includingKey: Bool = true) -> String {
            var parts: [String] = []
            for (position, container) in path.enumerated() {
                let isLast = position == path.count - 1
                switch container {
                case .object(let key):
                    if isLast && !includingKey { continue }
                    if !key.isEmpty || !isLast {
                        parts.append(
                            String(decoding: key, as: UTF8.self).replacingOccurrences(of: "~", with: "~0")
                                .replacingOccurrences(of: "/", with: "~1"))
                    }
                case .array(let index): parts.append(String(index))
                }
            }
            return "#/" + parts.joined(separator: "/")
        }

    }
}

/// The value of one hexadecimal digit, as JSON's `\u` escapes write them.
public enum HexDigit {
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
