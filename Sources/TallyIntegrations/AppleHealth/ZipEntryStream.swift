import CTallyZlib

/// The inflated bytes of one zip entry, produced as they are read: nothing is extracted to disk
/// and only a 256 KiB slice of compressed input is held. Checks what the zip format promises —
/// the deflate stream ends where the directory says, the size and the CRC-32 match — and
/// reports any difference as a damaged archive once the entry has been read.
final class ZipEntryStream: ByteSource {
    let entry: ZipEntry
    private let file: InputFile
    private let dataOffset: Int64
    private let input: UnsafeMutableRawBufferPointer
    // zlib keeps a pointer back to its stream, so the stream needs an address that never moves.
    private let stream: UnsafeMutablePointer<z_stream>
    private var inflating = false
    private var finished = false
    private var crc: UInt = 0
    private var produced: Int64 = 0
    private(set) var bytesConsumed: Int64 = 0
    var totalBytes: Int64 { entry.compressedSize }

    init(entry: ZipEntry, in file: InputFile) throws(HealthExportError) {
        guard !entry.isEncrypted else { throw .unsupportedArchive("\(entry.name) is encrypted") }
        guard entry.method == ZipEntry.deflated || entry.method == ZipEntry.stored else {
            throw .unsupportedArchive("\(entry.name) uses compression method \(entry.method)")
        }
        self.entry = entry
        self.file = file
        self.dataOffset = try ZipDirectory.dataOffset(of: entry, in: file)
        self.input = .allocate(byteCount: 256 << 10, alignment: 16)
        self.stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        if entry.method == ZipEntry.deflated {
            // Negative window bits: a raw deflate stream, as zip stores it, without zlib's header.
            guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                input.deallocate()
                stream.deallocate()
                throw .corruptArchive("zlib could not start inflating")
            }
            inflating = true
        }
    }

    deinit {
        if inflating { inflateEnd(stream) }
        stream.deallocate()
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let count = entry.method == ZipEntry.stored ? try copyStored(into: buffer) : try inflate(into: buffer)
        crc = crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(count))
        produced += Int64(count)
        guard produced <= entry.uncompressedSize else {
            throw .corruptArchive("\(entry.name) inflates to more than its recorded \(entry.uncompressedSize) bytes")
        }
        if finished {
            guard produced == entry.uncompressedSize else {
                throw .corruptArchive("\(entry.name) inflates to \(produced) bytes, not its recorded \(entry.uncompressedSize)")
            }
            guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
                throw .corruptArchive("the CRC-32 of \(entry.name) does not match")
            }
        }
        return count
    }

    private func copyStored(into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) -> Int {
        let wanted = Int(min(Int64(buffer.count), entry.compressedSize - bytesConsumed))
        let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), at: dataOffset + bytesConsumed)
        guard count == wanted else { throw .truncated("\(entry.name) ends early") }
        bytesConsumed += Int64(count)
        finished = bytesConsumed == entry.compressedSize
        return count
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) -> Int {
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && bytesConsumed < entry.compressedSize {
                let wanted = Int(min(Int64(input.count), entry.compressedSize - bytesConsumed))
                let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: input[..<wanted]), at: dataOffset + bytesConsumed)
                guard count == wanted else { throw .truncated("\(entry.name) ends early") }
                bytesConsumed += Int64(count)
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(count)
            }
            let status = CTallyZlib.inflate(stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                finished = true
                break
            }
            switch status {
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && bytesConsumed == entry.compressedSize:
                throw .corruptArchive("the deflate stream of \(entry.name) stops before its end marker")
            case Z_BUF_ERROR:
                continue
            case Z_MEM_ERROR:
                throw .corruptArchive("zlib ran out of memory inflating \(entry.name)")
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw .corruptArchive("the deflate stream of \(entry.name) is invalid (\(reason))")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
