import Foundation
import Synchronization

/// Standard error, written in batches: lines gather in memory and a background thread writes
/// them every 50 ms, so a request never waits for a system call to log. Warnings and worse, and
/// a batch over 64 KiB, are written at once; whatever is left is written at exit.
final class LogOutput: Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    /// Held while a batch is written, so batches never interleave.
    private let writing = Mutex<Void>(())
    static let interval: UInt32 = 50_000
    static let batchBytes = 64 << 10

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        Thread.detachNewThread { [self] in
            while true {
                usleep(Self.interval)
                flush()
            }
        }
        atexit { LogOutput.standardError.flush() }
    }

    func append(_ line: [UInt8], urgent: Bool) {
        let size = pending.withLock { pending in
            pending.append(contentsOf: line)
            return pending.count
        }
        if urgent || size >= Self.batchBytes { flush() }
    }

    func flush() {
        writing.withLock { _ in
            let batch = pending.withLock { pending in
                let batch = pending
                pending.removeAll(keepingCapacity: true)
                return batch
            }
            write(batch)
        }
    }

    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
