import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension ResponseBody {
    /// The whole body in one buffer, for answers that are kept (idempotent replays, the read cache).
    func collected() async throws -> ByteBuffer {
        let collector = Collector()
        try await write(collector)
        return collector.buffer.withLock { $0 }
    }
}

/// Gathers the chunks a body writes.
private final class Collector: ResponseBodyWriter, Sendable {
    let buffer = Mutex(ByteBuffer())

    func write(_ chunk: ByteBuffer) async throws {
        buffer.withLock { buffer in
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
