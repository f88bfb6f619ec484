import Foundation
import TallyCore

extension HealthAutoExportPayload {
    /// Reads a body spooled to disk in 64 KB chunks, keeping only what a time tracker needs:
    /// heart-rate series, routes and every metric but `mindful_minutes` are skipped as they
    /// stream past, so a 100 MB post costs kilobytes of memory, not the whole document.
    public static func read(file: URL) throws(HealthAutoExportError) -> HealthAutoExportPayload {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch {
            throw .malformed("the body could not be read back from disk")
        }
        defer { try? handle.close() }
        var reader = HealthAutoExportReader(refill: { (try? handle.read(upToCount: 1 << 16)).flatMap { $0.map(Array.init) } })
        return try reader.payload()
    }

    /// The same reader over bytes in memory.
    public static func decode(_ data: Data) throws(HealthAutoExportError) -> HealthAutoExportPayload {
        var delivered = false
        var reader = HealthAutoExportReader(refill: {
            defer { delivered = true }
            return delivered ? nil : Array(data)
        })
        return try reader.payload()
    }
}

/// A pull parser for exactly the Health Auto Export shape, over chunks of bytes.
struct HealthAutoExportReader {
    private let refill: () -> [UInt8]?
    private var buffer: [UInt8] = []
    private var index = 0
    private var consumed = 0
    private var ended = false

    init(refill: @escaping () -> [UInt8]?) {
        self.refill = refill
    }

    mutating func payload() throws(HealthAutoExportError) -> HealthAutoExportPayload {
        if try peek() == 0xEF {
            // A UTF-8 byte order mark, which some HTTP clients put first.
            guard try take() == 0xEF, try take() == 0xBB, try take() == 0xBF else { throw notJSON() }
        }
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "{") else { throw notJSON() }
        var content: HealthAutoExportPayload.Content?
        if try beginObject("the body") {
            repeat {
                if try key() == "data" { content = try self.content() } else { try skipValue() }
            } while try more(closing: UInt8(ascii: "}"))
        }
        try skipWhitespace()
        guard try peek() == nil else { throw notJSON() }
        guard let content else { throw .malformed("data is missing") }
        return HealthAutoExportPayload(data: content)
    }

    private mutating func content() throws(HealthAutoExportError) -> HealthAutoExportPayload.Content {
        var content = HealthAutoExportPayload.Content()
        guard try beginObject("data") else { return content }
        repeat {
            let field = try key()
            if try skipNull() { continue }
            switch field {
            case "workouts":
                var workouts: [HealthAutoExportPayload.Workout] = []
                if try beginArray("data.workouts") {
                    repeat {
                        workouts.append(try workout("data.workouts[\(workouts.count)]"))
                    } while try more(closing: UInt8(ascii: "]"))
                }
                content.workouts = workouts
            case "metrics":
                var metrics: [HealthAutoExportPayload.Metric] = []
                if try beginArray("data.metrics") {
                    repeat {
                        metrics.append(try metric("data.metrics[\(metrics.count)]"))
                    } while try more(closing: UInt8(ascii: "]"))
                }
                content.metrics = metrics
            default: try skipValue()
            }
        } while try more(closing: UInt8(ascii: "}"))
        return content
    }

    private mutating func workout(_ path: String) throws(HealthAutoExportError) -> HealthAutoExportPayload.Workout {
        var id: String?
        var name: String?
        var start: String?
        var end: String?
        var duration: Double?
        var quantities: [String: HealthAutoExportPayload.Quantity] = [:]
        if try beginObject(path) {
            repeat {
                let field = try key()
                switch field {
                case "id": id = try optionalString("\(path).id")
                case "name": name = try optionalString("\(path).name")
                case "start": start = try optionalString("\(path).start")
                case "end": end = try optionalString("\(path).end")
                case "duration": duration = try optionalNumber("\(path).duration")
                case "distance", "activeEnergyBurned", "activeEnergy":
                    if let value = try quantity("\(path).\(field)") { quantities[field] = value }
                default: try skipValue()
                }
            } while try more(closing: UInt8(ascii: "}"))
        }
        func required(_ value: String?, _ field: String) throws(HealthAutoExportError) -> String {
            guard let value else { throw .malformed("\(path).\(field) is missing") }
            return value
        }
        return HealthAutoExportPayload.Workout(
            id: id, name: try required(name, "name"), start: try required(start, "start"), end: try required(end, "end"),
            duration: duration, distance: quantities["distance"], activeEnergyBurned: quantities["activeEnergyBurned"],
            activeEnergy: quantities["activeEnergy"])
    }

    /// `{"qty": 8.2, "units": "km"}`; any other shape (some versions send series) is skipped.
    private mutating func quantity(_ path: String) throws(HealthAutoExportError) -> HealthAutoExportPayload.Quantity? {
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var qty: Double?
        var units: String?
        if try beginObject(path) {
            repeat {
                switch try key() {
                case "qty": qty = try optionalNumber("\(path).qty")
                case "units": units = try optionalString("\(path).units")
                default: try skipValue()
                }
            } while try more(closing: UInt8(ascii: "}"))
        }
        return qty.map { HealthAutoExportPayload.Quantity(qty: $0, units: units) }
    }

    private mutating func metric(_ path: String) throws(HealthAutoExportError) -> HealthAutoExportPayload.Metric {
        var name: String?
        var units: String?
        var samples: [HealthAutoExportPayload.Sample]?
        if try beginObject(path) {
            repeat {
                switch try key() {
                case "name": name = try optionalString("\(path).name")
                case "units": units = try optionalString("\(path).units")
                case "data":
                    if try skipNull() { break }
                    // The app writes the name first; a metric named later is read to be safe.
                    guard name == nil || name == "mindful_minutes" else {
                        try skipValue()
                        break
                    }
                    var read: [HealthAutoExportPayload.Sample] = []
                    if try beginArray("\(path).data") {
                        repeat {
                            read.append(try sample("\(path).data[\(read.count)]"))
                        } while try more(closing: UInt8(ascii: "]"))
                    }
                    samples = read
                default: try skipValue()
                }
            } while try more(closing: UInt8(ascii: "}"))
        }
        guard let name else { throw .malformed("\(path).name is missing") }
        return HealthAutoExportPayload.Metric(name: name, units: units, data: name == "mindful_minutes" ? samples : nil)
    }

    private mutating func sample(_ path: String) throws(HealthAutoExportError) -> HealthAutoExportPayload.Sample {
        var sample = HealthAutoExportPayload.Sample()
        if try beginObject(path) {
            repeat {
                switch try key() {
                case "qty": sample.qty = try optionalNumber("\(path).qty")
                case "date": sample.date = try optionalString("\(path).date")
                case "source": sample.source = try optionalString("\(path).source")
                default: try skipValue()
                }
            } while try more(closing: UInt8(ascii: "}"))
        }
        return sample
    }

    // MARK: Structure

    /// Consumes `{`; false when the object is empty (its `}` consumed too).
    private mutating func beginObject(_ path: String) throws(HealthAutoExportError) -> Bool {
        try begin(UInt8(ascii: "{"), closing: UInt8(ascii: "}"), path)
    }

    /// Consumes `[`; false when the array is empty (its `]` consumed too).
    private mutating func beginArray(_ path: String) throws(HealthAutoExportError) -> Bool {
        try begin(UInt8(ascii: "["), closing: UInt8(ascii: "]"), path)
    }

    private mutating func begin(_ opening: UInt8, closing: UInt8, _ path: String) throws(HealthAutoExportError) -> Bool {
        try skipWhitespace()
        guard let first = try peek() else { throw notJSON() }
        guard first == opening else {
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"")
                || first == UInt8(ascii: "t") || first == UInt8(ascii: "f") || first == UInt8(ascii: "n")
                || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            {
                throw .malformed("\(path) has the wrong type")
            }
            throw notJSON()
        }
        _ = try take()
        try skipWhitespace()
        if try peek() == closing {
            _ = try take()
            return false
        }
        return true
    }

    /// Consumes a `null` value: true when there was one.
    private mutating func skipNull() throws(HealthAutoExportError) -> Bool {
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A member's key and its colon.
    private mutating func key() throws(HealthAutoExportError) -> String {
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "\"") else { throw notJSON() }
        let key = try string()
        try skipWhitespace()
        guard try take() == UInt8(ascii: ":") else { throw notJSON() }
        return key
    }

    /// After a member or element: true at a comma, false at the closing bracket.
    private mutating func more(closing: UInt8) throws(HealthAutoExportError) -> Bool {
        try skipWhitespace()
        switch try take() {
        case UInt8(ascii: ","): return true
        case closing: return false
        default: throw notJSON()
        }
    }

    /// Skips one value of any kind without building it. The hot loop of a large post (heart-rate
    /// series, routes, unneeded metrics), so it scans the buffer in place, matching brackets and
    /// strings without checking the grammar of what it throws away.
    private mutating func skipValue() throws(HealthAutoExportError) {
        try skipWhitespace()
        guard let first = try peek() else { throw notJSON() }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            if first == UInt8(ascii: "\"") { try skipString() } else { try skipScalar() }
            return
        }
        var depth = 0
        var inString = false
        var escaped = false
        while true {
            guard try peek() != nil else { throw notJSON() }
            while index < buffer.count {
                let byte = buffer[index]
                index += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return }
                default: break
                }
            }
        }
    }

    // MARK: Scalars

    private mutating func optionalString(_ path: String) throws(HealthAutoExportError) -> String? {
        try skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        default: throw .malformed("\(path) has the wrong type")
        }
    }

    private mutating func optionalNumber(_ path: String) throws(HealthAutoExportError) -> Double? {
        try skipWhitespace()
        guard let first = try peek() else { throw notJSON() }
        if first == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw .malformed("\(path) has the wrong type")
        }
        var text: [UInt8] = []
        while let byte = try peek(), Self.isNumberByte(byte) {
            text.append(byte)
            _ = try take()
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { throw notJSON() }
        return value
    }

    private mutating func skipScalar() throws(HealthAutoExportError) {
        guard let first = try peek() else { throw notJSON() }
        switch first {
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            while let byte = try peek(), Self.isNumberByte(byte) { _ = try take() }
        default: throw notJSON()
        }
    }

    private mutating func literal(_ word: String) throws(HealthAutoExportError) {
        for expected in word.utf8 {
            guard try take() == expected else { throw notJSON() }
        }
    }

    private mutating func string() throws(HealthAutoExportError) -> String {
        guard try take() == UInt8(ascii: "\"") else { throw notJSON() }
        var bytes: [UInt8] = []
        while true {
            guard let byte = try take() else { throw notJSON() }
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = try take() else { throw notJSON() }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"): bytes.append(contentsOf: try unicodeEscape())
                default: throw notJSON()
                }
            case 0x00..<0x20: throw notJSON()
            default: bytes.append(byte)
            }
        }
    }

    /// `\uXXXX`, with a following low surrogate when this is a high one.
    private mutating func unicodeEscape() throws(HealthAutoExportError) -> [UInt8] {
        var unit = try hex4()
        if (0xD800..<0xDC00).contains(unit) {
            guard try take() == UInt8(ascii: "\\"), try take() == UInt8(ascii: "u") else { throw notJSON() }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw notJSON() }
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(unit) else { throw notJSON() }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(HealthAutoExportError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try take(), let digit = HexDigit.value(byte) else { throw notJSON() }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func skipString() throws(HealthAutoExportError) {
        guard try take() == UInt8(ascii: "\"") else { throw notJSON() }
        var escaped = false
        while true {
            guard try peek() != nil else { throw notJSON() }
            while index < buffer.count {
                let byte = buffer[index]
                index += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    return
                }
            }
        }
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    // MARK: Bytes

    private mutating func skipWhitespace() throws(HealthAutoExportError) {
        while let byte = try peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func peek() throws(HealthAutoExportError) -> UInt8? {
        if index < buffer.count { return buffer[index] }
        guard !ended else { return nil }
        consumed += buffer.count
        index = 0
        while true {
            guard let chunk = refill() else {
                buffer = []
                ended = true
                return nil
            }
            if !chunk.isEmpty {
                buffer = chunk
                return buffer[0]
            }
        }
    }

    private mutating func take() throws(HealthAutoExportError) -> UInt8? {
        guard let byte = try peek() else { return nil }
        index += 1
        return byte
    }

    private func notJSON() -> HealthAutoExportError {
        .malformed(consumed + index == 0 ? "the body is not JSON" : "the body is not JSON (at byte \(consumed + index))")
    }
}
