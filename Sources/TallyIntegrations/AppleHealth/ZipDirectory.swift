/// One file listed in a zip's central directory.
struct ZipEntry: Sendable, Equatable {
    var name: String
    var method: UInt16
    var flags: UInt16
    var crc32: UInt32
    var compressedSize: Int64
    var uncompressedSize: Int64
    var localHeaderOffset: Int64

    static let stored: UInt16 = 0
    static let deflated: UInt16 = 8

    var isEncrypted: Bool { flags & 1 != 0 }
}

/// Reads a zip's central directory: the authoritative list of entries with their sizes and
/// checksums. Local headers may hold zeros there (data descriptors), so sizes come from here.
enum ZipDirectory {
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let entrySignature: UInt32 = 0x0201_4B50
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let endRecordLength = 22
    private static let zip64LocatorLength = 20
    /// A directory lists names and sizes only; even 100,000 workout routes take ~10 MB.
    private static let largestDirectory: Int64 = 256 << 20

    static func entries(in file: InputFile) throws(HealthExportError) -> [ZipEntry] {
        let location = try directoryLocation(in: file)
        let directory = LittleEndian(try file.read(count: Int(location.size), at: location.offset))
        guard directory.count == location.size else { throw .truncated("the central directory is cut short") }
        var entries: [ZipEntry] = []
        var position = 0
        for index in 0..<location.entryCount {
            guard directory.has(46, at: position), directory.uint32(at: position) == entrySignature else {
                throw .corruptArchive("central directory entry \(index + 1) of \(location.entryCount) is unreadable")
            }
            let nameLength = directory.length(at: position + 28)
            let extraLength = directory.length(at: position + 30)
            let commentLength = directory.length(at: position + 32)
            guard directory.has(46 + nameLength + extraLength + commentLength, at: position) else {
                throw .corruptArchive("central directory entry \(index + 1) runs past the directory's end")
            }
            var entry = ZipEntry(
                name: String(decoding: directory.bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self),
                method: directory.uint16(at: position + 10),
                flags: directory.uint16(at: position + 8),
                crc32: directory.uint32(at: position + 16),
                compressedSize: Int64(directory.uint32(at: position + 20)),
                uncompressedSize: Int64(directory.uint32(at: position + 24)),
                localHeaderOffset: Int64(directory.uint32(at: position + 42))
            )
            try applyZip64Extra(to: &entry, in: directory, from: position + 46 + nameLength, length: extraLength)
            entries.append(entry)
            position += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Where the entry's compressed bytes begin, past its local header.
    static func dataOffset(of entry: ZipEntry, in file: InputFile) throws(HealthExportError) -> Int64 {
        let header = LittleEndian(try file.read(count: 30, at: entry.localHeaderOffset))
        guard header.has(30, at: 0), header.uint32(at: 0) == localHeaderSignature else {
            throw .corruptArchive("the local header of \(entry.name) is missing")
        }
        let offset = entry.localHeaderOffset + 30 + Int64(header.length(at: 26)) + Int64(header.length(at: 28))
        guard offset + entry.compressedSize <= file.size else {
            throw .corruptArchive("the data of \(entry.name) runs past the end of the archive")
        }
        return offset
    }

    private static func directoryLocation(in file: InputFile) throws(HealthExportError) -> (offset: Int64, size: Int64, entryCount: Int) {
        // The end record sits in the last 22 bytes plus an archive comment of at most 64 KiB.
        let tailLength = min(file.size, Int64(endRecordLength + 0xFFFF))
        let tailStart = file.size - tailLength
        let tail = LittleEndian(try file.read(count: Int(tailLength), at: tailStart))
        var found: Int?
        var position = tail.count - endRecordLength
        while position >= 0 {
            if tail.uint32(at: position) == endSignature, position + endRecordLength + tail.length(at: position + 20) == tail.count {
                found = position
                break
            }
            position -= 1
        }
        guard let end = found else {
            throw .truncated("the archive ends before its central directory (an interrupted download or copy?)")
        }
        let endOffset = tailStart + Int64(end)
        var entryCount = Int64(tail.uint16(at: end + 10))
        var size = Int64(tail.uint32(at: end + 12))
        var offset = Int64(tail.uint32(at: end + 16))
        var directoryEnd = endOffset
        var splitArchive = tail.uint16(at: end + 4) != 0 || tail.uint16(at: end + 6) != 0

        if endOffset >= Int64(zip64LocatorLength) {
            let locator = LittleEndian(try file.read(count: zip64LocatorLength, at: endOffset - Int64(zip64LocatorLength)))
            if locator.uint32(at: 0) == zip64LocatorSignature {
                let zip64EndOffset = Int64(bitPattern: locator.uint64(at: 8))
                guard zip64EndOffset >= 0, zip64EndOffset + 56 <= endOffset else {
                    throw .corruptArchive("the ZIP64 end record points outside the archive")
                }
                let zip64End = LittleEndian(try file.read(count: 56, at: zip64EndOffset))
                guard zip64End.uint32(at: 0) == zip64EndSignature else {
                    throw .corruptArchive("the ZIP64 end record is missing")
                }
                splitArchive = locator.uint32(at: 16) > 1 || zip64End.uint32(at: 16) != 0 || zip64End.uint32(at: 20) != 0
                entryCount = Int64(bitPattern: zip64End.uint64(at: 32))
                size = Int64(bitPattern: zip64End.uint64(at: 40))
                offset = Int64(bitPattern: zip64End.uint64(at: 48))
                directoryEnd = zip64EndOffset
            }
        }
        guard !splitArchive else { throw .unsupportedArchive("the archive is split over several files") }
        guard size >= 0, offset >= 0, entryCount >= 0, offset + size <= directoryEnd, size <= largestDirectory,
              entryCount <= size / 46
        else {
            throw .corruptArchive("the central directory's size or position does not fit the archive")
        }
        return (offset, size, Int(entryCount))
    }

    /// ZIP64 keeps sizes and offsets of 4 GiB and more in an extra field; only the fields whose
    /// 32-bit slot reads 0xFFFFFFFF are present, in this order.
    private static func applyZip64Extra(to entry: inout ZipEntry, in directory: LittleEndian, from start: Int, length: Int) throws(HealthExportError) {
        let saturated: Int64 = 0xFFFF_FFFF
        guard entry.uncompressedSize == saturated || entry.compressedSize == saturated || entry.localHeaderOffset == saturated
        else { return }
        var position = start
        while position + 4 <= start + length {
            let id = directory.uint16(at: position)
            let size = directory.length(at: position + 2)
            guard position + 4 + size <= start + length else { break }
            if id == 0x0001 {
                var field = position + 4
                func next() throws(HealthExportError) -> Int64 {
                    guard field + 8 <= position + 4 + size else {
                        throw .corruptArchive("the ZIP64 field of \(entry.name) is too short")
                    }
                    defer { field += 8 }
                    return Int64(bitPattern: directory.uint64(at: field))
                }
                if entry.uncompressedSize == saturated { entry.uncompressedSize = try next() }
                if entry.compressedSize == saturated { entry.compressedSize = try next() }
                if entry.localHeaderOffset == saturated { entry.localHeaderOffset = try next() }
                guard entry.uncompressedSize >= 0, entry.compressedSize >= 0, entry.localHeaderOffset >= 0 else {
                    throw .corruptArchive("the ZIP64 sizes of \(entry.name) are out of range")
                }
                return
            }
            position += 4 + size
        }
        throw .corruptArchive("\(entry.name) lacks the ZIP64 field its sizes call for")
    }
}

/// Little-endian integers from a byte array.
private struct LittleEndian {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    func has(_ length: Int, at position: Int) -> Bool {
        position >= 0 && position + length <= bytes.count
    }

    func uint16(at position: Int) -> UInt16 {
        UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    func uint32(at position: Int) -> UInt32 {
        UInt32(uint16(at: position)) | UInt32(uint16(at: position + 2)) << 16
    }

    func uint64(at position: Int) -> UInt64 {
        UInt64(uint32(at: position)) | UInt64(uint32(at: position + 4)) << 32
    }

    func length(at position: Int) -> Int {
        Int(uint16(at: position))
    }
}
