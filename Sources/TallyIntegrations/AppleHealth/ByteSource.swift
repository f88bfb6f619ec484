#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The export XML's bytes, read front to back in pieces, so no more than a buffer's worth is
/// ever in memory.
protocol ByteSource {
    /// Fills the start of `buffer`; returns how many bytes it wrote, 0 only at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) -> Int
    /// Bytes taken from the file so far and in all (compressed bytes for a zip entry).
    var bytesConsumed: Int64 { get }
    var totalBytes: Int64 { get }
}

extension ByteSource {
    /// Up to `count` bytes from the start, to tell what the source holds.
    mutating func readPrefix(_ count: Int) throws(HealthExportError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < count {
            let read = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if read == 0 { break }
            filled += read
        }
        return Array(buffer[..<filled])
    }
}

/// A bare XML file, as is.
struct FileByteSource: ByteSource {
    private let file: InputFile
    private(set) var bytesConsumed: Int64 = 0
    var totalBytes: Int64 { file.size }

    init(file: InputFile) {
        self.file = file
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) -> Int {
        let count = try file.read(into: buffer, at: bytesConsumed)
        bytesConsumed += Int64(count)
        return count
    }
}

/// An open file read by position, so the zip reader can jump between directory and data
/// without a shared cursor.
final class InputFile {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init(path: String) throws(HealthExportError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: Self.lastError()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw .cannotOpen(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .cannotOpen(path: path, reason: "not a regular file")
        }
        self.path = path
        self.descriptor = descriptor
        self.size = Int64(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` from `offset`; returns fewer bytes only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(HealthExportError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + Int64(filled)))
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(path: path, reason: "read failed: \(Self.lastError())")
            }
            filled += count
        }
        return filled
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func read(count: Int, at offset: Int64) throws(HealthExportError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        let filled = try read(into: buffer, at: offset)
        return Array(buffer[..<filled])
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
