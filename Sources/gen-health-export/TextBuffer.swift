import TallyCore

/// The XML as it is written: bytes gathered in a fixed buffer and handed to a sink a megabyte
/// at a time, so the export is never held whole. Numbers and timestamps are written as digits
/// directly; no String is made per record.
struct TextBuffer: ~Copyable {
    static let capacity = 1 << 20
    private let storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    private let sink: any ByteSink
    /// Bytes handed to the sink or still held: the document's length so far.
    private(set) var written: Int64 = 0

    init(sink: any ByteSink) {
        self.sink = sink
        storage = .allocate(capacity: Self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    mutating func flush() throws {
        guard count > 0 else { return }
        try sink.write(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Room for `length` more bytes, flushing first when the buffer lacks it.
    @inline(__always)
    private mutating func reserve(_ length: Int) throws {
        precondition(length <= Self.capacity, "a piece of \(length) bytes is larger than the buffer")
        if count + length > Self.capacity { try flush() }
        written += Int64(length)
    }

    mutating func append(_ text: StaticString) throws {
        precondition(text.hasPointerRepresentation)
        try append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in try append(UnsafeRawBufferPointer(bytes)) }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        try reserve(bytes.count)
        if bytes.count > 0 {
            (storage + count).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }

    mutating func append(byte: UInt8) throws {
        try reserve(1)
        storage[count] = byte
        count += 1
    }

    /// `value` in decimal, at least `width` digits (zero padded).
    mutating func append(_ value: Int, width: Int = 1) throws {
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        digits = max(digits, width)
        let length = digits + (value < 0 ? 1 : 0)
        try reserve(length)
        if value < 0 { storage[count] = UInt8(ascii: "-") }
        var position = count + length - 1
        for _ in 0..<digits {
            storage[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        }
        count += length
    }

    /// `scaled / 10^decimals` with exactly `decimals` digits after the point (scaled ≥ 0).
    mutating func append(fixed scaled: Int, decimals: Int) throws {
        var unit = 1
        for _ in 0..<decimals { unit *= 10 }
        try append(scaled / unit)
        try append(byte: UInt8(ascii: "."))
        try append(scaled % unit, width: decimals)
    }

    /// `YYYY-MM-DD`.
    mutating func append(date: CivilTime) throws {
        try append(date.year, width: 4)
        try append(byte: UInt8(ascii: "-"))
        try append(date.month, width: 2)
        try append(byte: UInt8(ascii: "-"))
        try append(date.day, width: 2)
    }

    /// `YYYY-MM-DD HH:MM:SS +HHMM`: the instant's wall clock at the export's one offset, as
    /// Apple prints every date of an export.
    mutating func append(timestamp seconds: Int, offset: UTCOffset) throws {
        let local = CivilTime(seconds + offset.seconds)
        try append(date: local)
        try append(byte: UInt8(ascii: " "))
        try append(local.hour, width: 2)
        try append(byte: UInt8(ascii: ":"))
        try append(local.minute, width: 2)
        try append(byte: UInt8(ascii: ":"))
        try append(local.second, width: 2)
        try append(byte: UInt8(ascii: " "))
        try append(offset.text)
    }
}

/// A count of seconds since 1970-01-01 00:00 as calendar fields, in whatever zone the count is in.
struct CivilTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ seconds: Int) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let time = seconds - days * 86400
        hour = time / 3600
        minute = time / 60 % 60
        second = time % 60
        (year, month, day) = RFC3339.civilDate(daysSinceEpoch: days)
    }

    /// Seconds since 1970-01-01 00:00 of a calendar date and time.
    static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) -> Int {
        RFC3339.daysSinceEpoch(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60
    }
}
