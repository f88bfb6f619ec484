import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TallyClient
import TallyCore
import TallyServer
import TallyStore
import TallyTestSupport
import TallyWebhooks
import Crypto

/// A real Tally server on 127.0.0.1 (an ephemeral port) over a fresh SQLite file, with an admin
/// API key, for tests that talk HTTP to it.
struct TestServer {
    let baseURL: URL
    let store: SQLiteStore
    let adminKey: String
    let databasePath: String
    let secretBox: SecretBox
    /// What the server logged, redacted as `tally serve` logs it.
    let log: TestLogLines

    static func run(
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tally.sqlite").path
        let metrics = ServerMetrics()
        let store = try SQLiteStore(path: path, activity: metrics.database)
        let secretBox = SecretBox(key: SymmetricKey(size: .bits256))
        let secret = APIKeySecret.generate()
        try await store.createAPIKey(
            secret.record(
                id: Identifier.make("key"), name: "test admin", scopes: [.admin], userID: nil, createdAt: Date(),
                expiresAt: nil))

        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.database = .sqlite(path: path)
        configuration.webhookAllowPrivate = true
        configure(&configuration)
        TestRunLog.recordSecret(secret.value)
        let log = TestLogLines()
        let logger = log.logger(label: "test")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try buildApplication(
            configuration: configuration, store: store, secretBox: secretBox, metrics: metrics, logger: logger
        ) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
            let server = TestServer(
                baseURL: URL(string: "http://127.0.0.1:\(port)")!, store: store, adminKey: secret.value,
                databasePath: path, secretBox: secretBox, log: log)
            do {
                try await body(server)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// A key with the given scopes, created in the store.
    func makeKey(_ scopes: [TallyCore.Scope], userID: String? = nil) async throws -> String {
        let secret = APIKeySecret.generate()
        try await store.createAPIKey(
            secret.record(
                id: Identifier.make("key"), name: "test", scopes: scopes, userID: userID, createdAt: Date(),
                expiresAt: nil))
        TestRunLog.recordSecret(secret.value)
        return secret.value
    }

    func client(key: String? = nil, retry: RetryPolicy = .none) -> TallyClient {
        TallyClient(baseURL: baseURL, apiKey: key ?? adminKey, retry: retry)
    }

    /// One raw HTTP exchange, for checking exact statuses, headers and bodies.
    func send(
        _ method: HTTPMethod, _ path: String, key: String?? = .none, headers: [(String, String)] = [],
        json: String? = nil, body: (data: Data, type: String)? = nil
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = method
        switch key {
        case .none: request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
        case .some(.some(let value)): request.headers.add(name: "Authorization", value: "Bearer \(value)")
        case .some(.none): break
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let body {
            request.headers.add(name: "Content-Type", value: body.type)
            request.body = .bytes(ByteBuffer(bytes: body.data))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return RawResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
    }
}

struct RawResponse {
    let status: Int
    let headers: HTTPHeaders
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw TestFailure("the body is not a JSON object: \(text)")
        }
        return object
    }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
