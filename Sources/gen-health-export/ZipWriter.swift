import CTallyZlib

/// A zip archive written front to back, each entry deflated by zlib as its bytes come, so an
/// entry of any size passes through a fixed buffer. An entry's CRC-32 and sizes are known only
/// at its end: they are written back into its local header then (the output is a file, so no
/// data descriptors). ZIP64 records appear where a size or offset needs them, and an entry
/// begun with `zip64` reserves them in its local header, as Python's `force_zip64` does.
///
/// Every entry carries one fixed date, the export's, so the same input gives the same bytes.
final class ZipWriter {
    private struct Entry {
        var name: [UInt8]
        var flags: UInt16
        var crc: UInt32 = 0
        var compressedSize: Int64 = 0
        var uncompressedSize: Int64 = 0
        var headerOffset: Int64
        var zip64Header: Bool
    }

    /// 2026-11-01 10:30:00, as MS-DOS keeps it.
    private static let dosTime: UInt16 = 10 << 11 | 30 << 5
    private static let dosDate: UInt16 = (2026 - 1980) << 9 | 11 << 5 | 1
    private static let saturated32: Int64 = 0xFFFF_FFFF

    private let file: OutputFile
    private let deflater: Deflater
    private var entries: [Entry] = []
    private var current: Entry?

    init(path: String) throws {
        file = try OutputFile(path: path)
        deflater = try Deflater()
    }

    /// Adds a small file whole.
    func add(_ name: String, contents: [UInt8]) throws {
        try begin(name)
        try contents.withUnsafeBytes { bytes in try write(bytes) }
        try end()
    }

    /// Starts an entry; its bytes go to `write` (or `self` as a `ByteSink`) until `end`.
    func begin(_ name: String, zip64: Bool = false) throws {
        precondition(current == nil, "an entry is still open")
        let nameBytes = Array(name.utf8)
        // Bit 11: the name is UTF-8 (a localised export.xml such as 导出.xml).
        let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
        let entry = Entry(name: nameBytes, flags: flags, headerOffset: file.position, zip64Header: zip64)
        try file.write(localHeader(entry))
        deflater.reset()
        current = entry
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var entry = current else { preconditionFailure("no entry is open") }
        entry.uncompressedSize += Int64(bytes.count)
        entry.crc = CRC32.update(entry.crc, bytes)
        entry.compressedSize += try deflater.deflate(bytes, finish: false, into: file)
        current = entry
    }

    /// Ends the open entry and writes its CRC-32 and sizes back into its local header.
    func end() throws {
        guard var entry = current else { preconditionFailure("no entry is open") }
        entry.compressedSize += try deflater.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, into: file)
        guard entry.zip64Header || (entry.compressedSize < Self.saturated32 && entry.uncompressedSize < Self.saturated32) else {
            throw OutputError(description: "\(String(decoding: entry.name, as: UTF8.self)) reached 4 GiB without ZIP64 fields")
        }
        try localHeader(entry).withUnsafeBytes { bytes in try file.write(bytes, at: entry.headerOffset) }
        entries.append(entry)
        current = nil
    }

    /// Writes the central directory and the end records.
    func finish() throws {
        precondition(current == nil, "an entry is still open")
        let directoryOffset = file.position
        var directory = LittleEndianBytes()
        for entry in entries {
            var zip64 = LittleEndianBytes()
            if entry.uncompressedSize >= Self.saturated32 { zip64.append(UInt64(entry.uncompressedSize)) }
            if entry.compressedSize >= Self.saturated32 { zip64.append(UInt64(entry.compressedSize)) }
            if entry.headerOffset >= Self.saturated32 { zip64.append(UInt64(entry.headerOffset)) }
            let version: UInt16 = zip64.bytes.isEmpty && !entry.zip64Header ? 20 : 45
            directory.append(UInt32(0x0201_4B50))
            directory.append(3 << 8 | version)  // made by: Unix
            directory.append(version)
            directory.append(entry.flags)
            directory.append(UInt16(8))  // deflated
            directory.append(Self.dosTime)
            directory.append(Self.dosDate)
            directory.append(entry.crc)
            directory.append(Self.clamped(entry.compressedSize))
            directory.append(Self.clamped(entry.uncompressedSize))
            directory.append(UInt16(entry.name.count))
            directory.append(UInt16(zip64.bytes.isEmpty ? 0 : zip64.bytes.count + 4))
            directory.append(UInt16(0))  // comment
            directory.append(UInt16(0))  // disk
            directory.append(UInt16(0))  // internal attributes
            directory.append(UInt32(0o100644) << 16)  // a regular file, rw-r--r--
            directory.append(Self.clamped(entry.headerOffset))
            directory.bytes += entry.name
            if !zip64.bytes.isEmpty {
                directory.append(UInt16(0x0001))
                directory.append(UInt16(zip64.bytes.count))
                directory.bytes += zip64.bytes
            }
        }
        try file.write(directory.bytes)
        let directorySize = Int64(directory.bytes.count)

        var end = LittleEndianBytes()
        let needsZip64 = entries.count >= 0xFFFF || directorySize >= Self.saturated32 || directoryOffset >= Self.saturated32
        if needsZip64 {
            let zip64EndOffset = file.position
            end.append(UInt32(0x0606_4B50))
            end.append(UInt64(44))  // the record's size after this field
            end.append(UInt16(3 << 8 | 45))
            end.append(UInt16(45))
            end.append(UInt32(0))  // this disk
            end.append(UInt32(0))  // the directory's disk
            end.append(UInt64(entries.count))
            end.append(UInt64(entries.count))
            end.append(UInt64(directorySize))
            end.append(UInt64(directoryOffset))
            end.append(UInt32(0x0706_4B50))  // the locator
            end.append(UInt32(0))
            end.append(UInt64(zip64EndOffset))
            end.append(UInt32(1))  // disks in all
        }
        end.append(UInt32(0x0605_4B50))
        end.append(UInt16(0))
        end.append(UInt16(0))
        end.append(UInt16(min(entries.count, 0xFFFF)))
        end.append(UInt16(min(entries.count, 0xFFFF)))
        end.append(Self.clamped(directorySize))
        end.append(Self.clamped(directoryOffset))
        end.append(UInt16(0))  // no comment
        try file.write(end.bytes)
    }

    private func localHeader(_ entry: Entry) -> [UInt8] {
        var header = LittleEndianBytes()
        header.append(UInt32(0x0403_4B50))
        header.append(UInt16(entry.zip64Header ? 45 : 20))
        header.append(entry.flags)
        header.append(UInt16(8))
        header.append(Self.dosTime)
        header.append(Self.dosDate)
        header.append(entry.crc)
        if entry.zip64Header {
            header.append(UInt32(0xFFFF_FFFF))
            header.append(UInt32(0xFFFF_FFFF))
        } else {
            header.append(UInt32(entry.compressedSize))
            header.append(UInt32(entry.uncompressedSize))
        }
        header.append(UInt16(entry.name.count))
        header.append(UInt16(entry.zip64Header ? 20 : 0))
        header.bytes += entry.name
        if entry.zip64Header {
            header.append(UInt16(0x0001))
            header.append(UInt16(16))
            header.append(UInt64(entry.uncompressedSize))
            header.append(UInt64(entry.compressedSize))
        }
        return header.bytes
    }

    private static func clamped(_ value: Int64) -> UInt32 {
        UInt32(min(value, saturated32))
    }
}

extension ZipWriter: ByteSink {}

/// zlib's raw deflate (no zlib header, as zip stores it) at level 6, Python's and Info-ZIP's default.
final class Deflater {
    // zlib keeps a pointer back to its stream, so the stream needs an address that never moves.
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(byteCount: 256 << 10, alignment: 16)
        let status = deflateInit2_(stream, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            output.deallocate()
            throw OutputError(description: "zlib could not start deflating (status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    func reset() {
        deflateReset(stream)
    }

    /// Compresses `bytes` into `file`; with `finish`, ends the stream. Returns the bytes written.
    func deflate(_ bytes: UnsafeRawBufferPointer, finish: Bool, into file: OutputFile) throws -> Int64 {
        var written: Int64 = 0
        var rest = bytes
        repeat {
            // avail_in is 32 bits wide: hand over at most 1 GiB at a time.
            let slice = UnsafeRawBufferPointer(rebasing: rest.prefix(1 << 30))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(slice.count))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: slice.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(slice.count)
            let flush = finish && rest.isEmpty ? Z_FINISH : Z_NO_FLUSH
            while true {
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(output.count)
                let status = CTallyZlib.deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw OutputError(description: "zlib failed deflating (status \(status))")
                }
                let produced = output.count - Int(stream.pointee.avail_out)
                if produced > 0 {
                    try file.write(UnsafeRawBufferPointer(rebasing: output[..<produced]))
                    written += Int64(produced)
                }
                if flush == Z_FINISH ? status == Z_STREAM_END : (stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0) {
                    break
                }
            }
        } while !rest.isEmpty
        return written
    }
}

enum CRC32 {
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        var value = UInt(crc)
        var offset = 0
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            value = crc32(value, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: value)
    }
}

/// Zip's little-endian fields, appended in order.
struct LittleEndianBytes {
    var bytes: [UInt8] = []

    mutating func append(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func append(_ value: UInt32) {
        append(UInt16(truncatingIfNeeded: value))
        append(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func append(_ value: UInt64) {
        append(UInt32(truncatingIfNeeded: value))
        append(UInt32(truncatingIfNeeded: value >> 32))
    }
}
