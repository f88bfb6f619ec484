#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Takes bytes in pieces, in order.
protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

struct OutputError: Error, CustomStringConvertible {
    var description: String
}

/// A file written front to back, with the odd write back at an earlier position (the zip
/// writer's local headers).
final class OutputFile: ByteSink {
    let path: String
    private let descriptor: Int32
    private(set) var position: Int64 = 0

    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(description: "cannot write \(path): \(Self.lastError())") }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try write(bytes, at: position)
        position += Int64(bytes.count)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in try write(buffer) }
    }

    /// Overwrites bytes already written; the end of the file stays where it is.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let count = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError(description: "cannot write \(path): \(Self.lastError())")
            }
            done += count
        }
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }

    /// Creates `path` and the folders above it that are missing.
    static func makeFolders(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw OutputError(description: "cannot create the folder \(prefix): \(lastError())")
            }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
