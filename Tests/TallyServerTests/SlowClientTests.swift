import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TallyServer

/// Clients that open connections and never finish their requests (slowloris) must not make the
/// server unreachable: heads and bodies have deadlines, and connections are capped.
@Suite struct SlowClientTests {
    /// A plain TCP connection that writes what it is told and keeps what comes back.
    final class RawConnection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private let received = Mutex<[UInt8]>([])
        var channel: (any Channel)?

        static func open(port: Int) async throws -> RawConnection {
            let connection = RawConnection()
            connection.channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(connection) } }
                .connect(host: "127.0.0.1", port: port).get()
            return connection
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func send(_ text: String) async throws {
            guard let channel else { return }
            try await channel.writeAndFlush(ByteBuffer(string: text))
        }

        var text: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }

        /// Whether the server closed the connection within `limit`.
        func closed(within limit: Duration) async -> Bool {
            guard let channel else { return true }
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if !channel.isActive { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return !channel.isActive
        }
    }

    static func port(_ server: TestServer) -> Int { server.baseURL.port ?? 0 }

    static func quick(_ configuration: inout ServerConfiguration) {
        configuration.connections.headerTimeout = .seconds(1)
        configuration.connections.bodyTimeout = .seconds(1)
        configuration.connections.idleTimeout = .seconds(2)
        configuration.connections.maximum = 8
    }

    @Test func aHeadThatNeverEndsIsCutOff() async throws {
        try await TestServer.run(configure: Self.quick) { server in
            let slow = try await RawConnection.open(port: Self.port(server))
            try await slow.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            #expect(await slow.closed(within: .seconds(5)))
            // A connection that never says anything is closed too.
            let silent = try await RawConnection.open(port: Self.port(server))
            #expect(await silent.closed(within: .seconds(5)))
            #expect(try await server.send(.GET, "/health", key: .some(nil)).status == 200)
        }
    }

    @Test func aBodyThatNeverArrivesIsAnswered408() async throws {
        // The head's own deadline is generous here, so that a busy machine cannot cut the
        // connection before the body's deadline answers.
        try await TestServer.run(configure: {
            Self.quick(&$0)
            $0.connections.headerTimeout = .seconds(10)
            $0.connections.idleTimeout = .seconds(10)
        }) { server in
            let slow = try await RawConnection.open(port: Self.port(server))
            try await slow.send(
                "POST /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(server.adminKey)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
            #expect(await slow.closed(within: .seconds(15)))
            #expect(slow.text.hasPrefix("HTTP/1.1 408"), "\(slow.text.prefix(200))")
            #expect(try await server.store.users(after: nil, limit: 10).isEmpty)
        }
    }

    @Test func manyHalfSentRequestsDoNotLockOthersOut() async throws {
        try await TestServer.run(configure: Self.quick) { server in
            var slow: [RawConnection] = []
            for _ in 0..<40 {
                let connection = try await RawConnection.open(port: Self.port(server))
                try await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                slow.append(connection)
            }
            // Only 8 are served at once; the rest wait in the backlog and are cut off in turn.
            let started = ContinuousClock.now
            let answer = try await server.send(.GET, "/health", key: .some(nil))
            #expect(answer.status == 200)
            #expect(ContinuousClock.now - started < .seconds(20))
            for connection in slow { try? await connection.channel?.close() }
        }
    }
}
