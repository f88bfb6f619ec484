#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads export.xml for the few elements a time tracker needs: top-level `<Workout>`s (with
/// their `HKTimeZone` metadata and distance/energy statistics) and mindful-session `<Record>`s.
///
/// Not a general XML parser, on purpose. It jumps from `<` to `<` with `memchr`, looks only at
/// element names and the attributes of elements it keeps, and never validates what it skips:
/// - the DTD is skipped by searching for the `<HealthData` root, so the malformed DTD of
///   Export Version 12 (which stops expat and libxml2) does no harm;
/// - control characters such as U+000B in attribute values pass through untouched;
/// - records nested in a `<Correlation>` (repeats of top-level records) are not read, as only
///   direct children of `<HealthData>` count.
///
/// Fed in pieces: `scan` consumes what it can and returns how far it got; the caller passes the
/// rest again with more bytes behind it.
struct HealthXMLScanner {
    enum Phase: Equatable {
        case prolog
        case body
        case skipping(Terminator)
        case finished
    }

    enum Terminator: Equatable {
        case comment
        case characterData
        case instruction

        var text: StaticString {
            switch self {
            case .comment: "-->"
            case .characterData: "]]>"
            case .instruction: "?>"
            }
        }
    }

    private enum Element {
        case workout, record, exportDate, metadataEntry, workoutStatistics, other
    }

    private struct Attribute {
        var name: Range<Int>
        var value: Range<Int>
    }

    private struct WorkoutInProgress {
        var workout: HealthWorkout
        var offset: Int64
        var statisticsDistance: HealthQuantity?
        var statisticsEnergy: HealthQuantity?
    }

    /// The DTD of a real export is ~10 KB; a file that shows no root long after is something else.
    static let longestProlog: Int64 = 8 << 20

    private(set) var phase = Phase.prolog
    private(set) var workouts = 0
    private(set) var mindfulSessions = 0
    private(set) var exportDate: HealthTimestamp?
    private(set) var locale: String?
    private var depth = 0
    private var workout: WorkoutInProgress?
    private var attributes: [Attribute] = []

    /// Whether the first bytes of a file open an Apple Health export: markup, then a
    /// `HealthData` doctype or root before the prefix ends.
    static func looksLikeHealthExport(_ prefix: UnsafeRawBufferPointer) -> Bool {
        guard let base = prefix.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var start = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { start = 3 }
        while start < prefix.count, prefix[start] <= 0x20 { start += 1 }
        guard start < prefix.count, prefix[start] == UInt8(ascii: "<") else { return false }
        return find("<!DOCTYPE HealthData", base, from: start, to: prefix.count) != nil
            || find("<HealthData", base, from: start, to: prefix.count) != nil
    }

    /// Scans `bytes`, whose first byte sits at `offset` in the XML, handing each workout and
    /// mindful session to `emit`. Returns how many bytes it consumed; the rest begin a construct
    /// that continues past the end of `bytes`.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, offset: Int64, emit: (HealthRecord) throws -> Void) throws -> Int {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let n = bytes.count
        var i = 0
        while i < n {
            switch phase {
            case .finished:
                return n
            case .skipping(let terminator):
                let text = terminator.text
                guard let found = Self.find(text, p, from: i, to: n) else {
                    return max(i, n - (text.utf8CodeUnitCount - 1))
                }
                i = found + text.utf8CodeUnitCount
                phase = .body
            case .prolog:
                let root: StaticString = "<HealthData"
                guard let found = Self.find(root, p, from: i, to: n) else {
                    let kept = max(i, n - (root.utf8CodeUnitCount - 1))
                    try checkProlog(length: offset + Int64(kept))
                    return kept
                }
                try checkProlog(length: offset + Int64(found))
                let nameEnd = found + root.utf8CodeUnitCount
                guard nameEnd < n else { return found }
                guard Self.endsName(p[nameEnd]) else {
                    i = found + 1
                    continue
                }
                guard let tag = try readAttributes(p, n, from: nameEnd, keep: true, offset: offset + Int64(found)) else {
                    return found
                }
                locale = attribute("locale", p).map { text(p, $0) }
                phase = tag.selfClosing ? .finished : .body
                i = tag.next
            case .body:
                guard let lt = Self.index(of: UInt8(ascii: "<"), p, from: i, to: n) else { return n }
                guard lt + 1 < n else { return lt }
                switch p[lt + 1] {
                case UInt8(ascii: "/"):
                    guard let gt = Self.index(of: UInt8(ascii: ">"), p, from: lt + 2, to: n) else { return lt }
                    try endTag(p, name: (lt + 2)..<gt, offset: offset + Int64(lt), emit: emit)
                    i = gt + 1
                case UInt8(ascii: "!"):
                    guard lt + 4 <= n else { return lt }
                    if p[lt + 2] == UInt8(ascii: "-"), p[lt + 3] == UInt8(ascii: "-") {
                        phase = .skipping(.comment)
                        i = lt + 4
                    } else {
                        let opening: StaticString = "<![CDATA["
                        guard lt + opening.utf8CodeUnitCount <= n else { return lt }
                        guard memcmp(p + lt, opening.utf8Start, opening.utf8CodeUnitCount) == 0 else {
                            throw HealthExportError.malformed("unexpected markup `<!` at byte \(offset + Int64(lt))")
                        }
                        phase = .skipping(.characterData)
                        i = lt + opening.utf8CodeUnitCount
                    }
                case UInt8(ascii: "?"):
                    phase = .skipping(.instruction)
                    i = lt + 2
                default:
                    guard let next = try startTag(p, n, at: lt, offset: offset, emit: emit) else { return lt }
                    i = next
                }
            }
        }
        return i
    }

    /// Called when the input has ended after `length` bytes.
    func finish(length: Int64) throws(HealthExportError) {
        switch phase {
        case .finished:
            return
        case .prolog:
            throw .truncated("the XML ends after \(length) bytes, before its <HealthData> element")
        case .body, .skipping:
            if let workout {
                throw .truncated("the XML ends after \(length) bytes, inside the <Workout> at byte \(workout.offset)")
            }
            throw .truncated("the XML ends after \(length) bytes, before </HealthData>")
        }
    }

    // MARK: - Tags

    /// Handles the start tag whose `<` is at `start`; nil when the tag runs past `n`.
    private mutating func startTag(
        _ p: UnsafePointer<UInt8>, _ n: Int, at start: Int, offset: Int64, emit: (HealthRecord) throws -> Void
    ) throws -> Int? {
        var nameEnd = start + 1
        while nameEnd < n, !Self.endsName(p[nameEnd]) { nameEnd += 1 }
        guard nameEnd < n else { return nil }
        let name = (start + 1)..<nameEnd
        let at = offset + Int64(start)
        guard !name.isEmpty else { throw HealthExportError.malformed("a `<` that opens no element at byte \(at)") }
        let element: Element
        if depth == 0 {
            element = Self.equals(p, name, "Record") ? .record
                : Self.equals(p, name, "Workout") ? .workout
                : Self.equals(p, name, "ExportDate") ? .exportDate : .other
        } else if depth == 1, workout != nil {
            element = Self.equals(p, name, "MetadataEntry") ? .metadataEntry
                : Self.equals(p, name, "WorkoutStatistics") ? .workoutStatistics : .other
        } else {
            element = .other
        }
        guard let tag = try readAttributes(p, n, from: nameEnd, keep: element != .other, offset: at) else { return nil }
        switch element {
        case .record:
            try readRecord(p, at: at, emit: emit)
        case .workout:
            try beginWorkout(p, at: at)
        case .exportDate:
            exportDate = try attribute("value", p).map { try timestamp(p, $0, "value", of: "ExportDate", at: at) }
        case .metadataEntry:
            if let key = attribute("key", p), Self.equals(p, key, "HKTimeZone"), let value = attribute("value", p) {
                let timeZone = text(p, value)
                workout?.workout.timeZone = timeZone
            }
        case .workoutStatistics:
            try readStatistics(p, at: at)
        case .other:
            break
        }
        if !tag.selfClosing {
            depth += 1
        } else if element == .workout {
            try endWorkout(emit: emit)
        }
        return tag.next
    }

    private mutating func endTag(
        _ p: UnsafePointer<UInt8>, name: Range<Int>, offset: Int64, emit: (HealthRecord) throws -> Void
    ) throws {
        var end = name.upperBound
        while end > name.lowerBound, p[end - 1] <= 0x20 { end -= 1 }
        guard depth > 0 else {
            guard Self.equals(p, name.lowerBound..<end, "HealthData") else {
                let tag = String(decoding: UnsafeRawBufferPointer(start: p + name.lowerBound, count: end - name.lowerBound), as: UTF8.self)
                throw HealthExportError.malformed("</\(tag)> at byte \(offset) closes no open element")
            }
            phase = .finished
            return
        }
        depth -= 1
        if depth == 0, workout != nil { try endWorkout(emit: emit) }
    }

    /// Reads the attributes of a tag from just after its name; nil when the tag runs past `n`.
    /// Keeps their positions in `attributes` only when asked: most tags are skipped unread.
    private mutating func readAttributes(
        _ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, keep: Bool, offset: Int64
    ) throws(HealthExportError) -> (next: Int, selfClosing: Bool)? {
        if keep { attributes.removeAll(keepingCapacity: true) }
        var j = start
        while true {
            while j < n, p[j] <= 0x20 { j += 1 }
            guard j < n else { return nil }
            if p[j] == UInt8(ascii: ">") { return (j + 1, false) }
            if p[j] == UInt8(ascii: "/") {
                guard j + 1 < n else { return nil }
                guard p[j + 1] == UInt8(ascii: ">") else { throw .malformed("a stray `/` in the tag at byte \(offset)") }
                return (j + 2, true)
            }
            let nameStart = j
            while j < n, p[j] > 0x20, p[j] != UInt8(ascii: "="), p[j] != UInt8(ascii: ">"), p[j] != UInt8(ascii: "/") { j += 1 }
            let nameEnd = j
            while j < n, p[j] <= 0x20 { j += 1 }
            guard j < n else { return nil }
            guard p[j] == UInt8(ascii: "="), nameEnd > nameStart else {
                throw .malformed("an attribute without a value in the tag at byte \(offset)")
            }
            j += 1
            while j < n, p[j] <= 0x20 { j += 1 }
            guard j < n else { return nil }
            let quote = p[j]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw .malformed("an unquoted attribute value in the tag at byte \(offset)")
            }
            guard let close = Self.index(of: quote, p, from: j + 1, to: n) else { return nil }
            if keep { attributes.append(Attribute(name: nameStart..<nameEnd, value: (j + 1)..<close)) }
            j = close + 1
        }
    }

    // MARK: - Elements kept

    private mutating func readRecord(_ p: UnsafePointer<UInt8>, at offset: Int64, emit: (HealthRecord) throws -> Void) throws {
        guard let type = attribute("type", p), Self.equals(p, type, "HKCategoryTypeIdentifierMindfulSession") else { return }
        let session = HealthMindfulSession(
            sourceName: text(p, try required("sourceName", of: "Record", p, at: offset)),
            start: try timestamp(p, try required("startDate", of: "Record", p, at: offset), "startDate", of: "Record", at: offset),
            end: try timestamp(p, try required("endDate", of: "Record", p, at: offset), "endDate", of: "Record", at: offset)
        )
        mindfulSessions += 1
        try emit(.mindfulSession(session))
    }

    private mutating func beginWorkout(_ p: UnsafePointer<UInt8>, at offset: Int64) throws(HealthExportError) {
        let activityType = text(p, try required("workoutActivityType", of: "Workout", p, at: offset))
        let workout = HealthWorkout(
            activityType: activityType,
            activityName: WorkoutActivityNames.displayName(forActivityType: activityType),
            sourceName: text(p, try required("sourceName", of: "Workout", p, at: offset)),
            start: try timestamp(p, try required("startDate", of: "Workout", p, at: offset), "startDate", of: "Workout", at: offset),
            end: try timestamp(p, try required("endDate", of: "Workout", p, at: offset), "endDate", of: "Workout", at: offset),
            duration: try quantity(p, "duration", unit: "durationUnit", of: "Workout", at: offset),
            totalDistance: try quantity(p, "totalDistance", unit: "totalDistanceUnit", of: "Workout", at: offset),
            totalEnergyBurned: try quantity(p, "totalEnergyBurned", unit: "totalEnergyBurnedUnit", of: "Workout", at: offset)
        )
        self.workout = WorkoutInProgress(workout: workout, offset: offset)
    }

    /// Modern exports keep distance and energy in `<WorkoutStatistics>` instead of attributes.
    /// A multisport workout has one distance per discipline, in different units; the first is
    /// kept rather than adding kilometres to metres.
    private mutating func readStatistics(_ p: UnsafePointer<UInt8>, at offset: Int64) throws(HealthExportError) {
        guard workout != nil, let type = attribute("type", p) else { return }
        if Self.hasPrefix(p, type, "HKQuantityTypeIdentifierDistance"), workout?.statisticsDistance == nil {
            let distance = try quantity(p, "sum", unit: "unit", of: "WorkoutStatistics", at: offset)
            workout?.statisticsDistance = distance
        } else if Self.equals(p, type, "HKQuantityTypeIdentifierActiveEnergyBurned"), workout?.statisticsEnergy == nil {
            let energy = try quantity(p, "sum", unit: "unit", of: "WorkoutStatistics", at: offset)
            workout?.statisticsEnergy = energy
        }
    }

    private mutating func endWorkout(emit: (HealthRecord) throws -> Void) throws {
        guard var current = workout else { return }
        workout = nil
        if current.workout.totalDistance == nil { current.workout.totalDistance = current.statisticsDistance }
        if current.workout.totalEnergyBurned == nil { current.workout.totalEnergyBurned = current.statisticsEnergy }
        workouts += 1
        try emit(.workout(current.workout))
    }

    // MARK: - Attribute values

    private func attribute(_ name: StaticString, _ p: UnsafePointer<UInt8>) -> Range<Int>? {
        for attribute in attributes where Self.equals(p, attribute.name, name) {
            return attribute.value
        }
        return nil
    }

    private func required(_ name: StaticString, of element: StaticString, _ p: UnsafePointer<UInt8>, at offset: Int64) throws(HealthExportError) -> Range<Int> {
        guard let value = attribute(name, p) else {
            throw .malformed("the <\(element)> at byte \(offset) has no \(name)")
        }
        return value
    }

    private func text(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        XMLAttributeText.decode(UnsafeRawBufferPointer(start: p + range.lowerBound, count: range.count))
    }

    private func timestamp(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, _ name: StaticString, of element: StaticString, at offset: Int64) throws(HealthExportError) -> HealthTimestamp {
        guard let timestamp = HealthTimestamp(utf8: UnsafeRawBufferPointer(start: p + range.lowerBound, count: range.count)) else {
            throw .malformed("the <\(element)> at byte \(offset) has an unreadable \(name) \"\(text(p, range))\"")
        }
        return timestamp
    }

    private func quantity(_ p: UnsafePointer<UInt8>, _ name: StaticString, unit: StaticString, of element: StaticString, at offset: Int64) throws(HealthExportError) -> HealthQuantity? {
        guard let range = attribute(name, p) else { return nil }
        let written = text(p, range)
        guard let value = Double(written), value.isFinite else {
            throw .malformed("the <\(element)> at byte \(offset) has a \(name) that is not a number: \"\(written)\"")
        }
        return HealthQuantity(value: value, unit: attribute(unit, p).map { text(p, $0) } ?? "")
    }

    private func checkProlog(length: Int64) throws(HealthExportError) {
        guard length <= Self.longestProlog else {
            throw .notAHealthExport("no <HealthData> element in the first \(Self.longestProlog >> 20) MB")
        }
    }

    // MARK: - Bytes

    private static func endsName(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
    }

    private static func equals(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && memcmp(p + range.lowerBound, literal.utf8Start, range.count) == 0
    }

    private static func hasPrefix(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count >= literal.utf8CodeUnitCount && memcmp(p + range.lowerBound, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }

    private static func index(of byte: UInt8, _ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let found = memchr(p + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(found))
    }

    private static func find(_ literal: StaticString, _ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        let length = literal.utf8CodeUnitCount
        var position = start
        while let candidate = index(of: literal.utf8Start.pointee, p, from: position, to: end - length + 1) {
            if memcmp(p + candidate, literal.utf8Start, length) == 0 { return candidate }
            position = candidate + 1
        }
        return nil
    }
}
