import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP endpoint on 127.0.0.1 that records every webhook delivery it gets and answers as
/// the test tells it to, for checking what Tally sends over the wire.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public let path: String
        public let headers: [String: String]
        public let body: [UInt8]
        public let at: Date

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: [(String, String)]
        public var body: String
        public var delay: Duration

        public init(
            status: HTTPResponse.Status = .ok, headers: [(String, String)] = [], body: String = "OK", delay: Duration = .zero
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    private let received = Mutex<[Received]>([])
    /// Decides the answer from the request's path and how many requests that path had before it.
    public let answer: @Sendable (_ path: String, _ count: Int) -> Answer
    public let port: Int

    private init(port: Int, answer: @escaping @Sendable (String, Int) -> Answer) {
        self.port = port
        self.answer = answer
    }

    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    public var all: [Received] { received.withLock { $0 } }

    public func requests(to path: String) -> [Received] { all.filter { $0.path == path } }

    /// Waits until `condition` holds for what arrived, or fails after `timeout`.
    @discardableResult
    public func wait(
        timeout: Duration = .seconds(20), _ what: String = "deliveries",
        until condition: @Sendable ([Received]) -> Bool
    ) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = all
            if condition(current) { return current }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ReceiverTimeout("timed out waiting for \(what); got \(all.count) requests: \(all.map(\.path))")
    }

    fileprivate func record(_ request: Received) -> Int {
        received.withLock { list in
            let count = list.filter { $0.path == request.path }.count
            list.append(request)
            return count
        }
    }

    public static func run(
        answer: @escaping @Sendable (_ path: String, _ count: Int) -> Answer = { _, _ in Answer() },
        _ body: (WebhookReceiver) async throws -> Void
    ) async throws {
        let logger = Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let box = Mutex<WebhookReceiver?>(nil)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            guard let receiver = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let path = request.uri.path
            let count = receiver.record(Received(path: path, headers: headers, body: Array(buffer: bytes), at: Date()))
            let answer = receiver.answer(path, count)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            var fields = HTTPFields()
            for (name, value) in answer.headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: answer.status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ReceiverTimeout("the receiver did not start") }
            let receiver = WebhookReceiver(port: port, answer: answer)
            box.withLock { $0 = receiver }
            do {
                try await body(receiver)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

public struct ReceiverTimeout: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
