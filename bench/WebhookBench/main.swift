// The webhook benchmark's receiver and load driver (see bench/webhooks/run.sh).
//
//   tally-bench-webhooks latency TALLY_URL API_KEY PORT RATE SECONDS
//       Subscribes a receiver on PORT, creates daily logs at RATE per second for SECONDS and
//       reports, for each, the time from just before its POST was sent to the arrival of its
//       daily_log.created delivery (p50/p90/p99).
//   tally-bench-webhooks backlog TALLY_URL API_KEY PORT COUNT
//       Subscribes http://127.0.0.1:PORT/drain and creates COUNT daily logs (for a server running
//       with TALLY_WEBHOOK_DELIVERY=off, so they wait in the outbox).
//   tally-bench-webhooks drain PORT COUNT
//       Receives until COUNT deliveries arrived and reports the rate from first to last.
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// Prints at once, not when the process ends: the script may stop it.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// What the receiver saw.
final class Arrivals: Sendable {
    let byDate = Mutex<[String: ContinuousClock.Instant]>([:])
    let count = Atomic<Int>(0)
    let first = Mutex<ContinuousClock.Instant?>(nil)
    let last = Mutex<ContinuousClock.Instant?>(nil)
    /// When each log's POST was sent, by date.
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
}
let arrivals = Arrivals()
let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
let client = HTTPClient(eventLoopGroupProvider: .singleton)

func receiver(port: Int) -> some Service {
    let router = Router()
    router.post("/{path}") { request, _ -> HTTPResponse.Status in
        let body = try await request.body.collect(upTo: 1 << 20)
        let now = ContinuousClock.now
        if let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let date = data["date"] as? String
        {
            arrivals.byDate.withLock { $0[date] = now }
        }
        arrivals.first.withLock { if $0 == nil { $0 = now } }
        arrivals.last.withLock { $0 = now }
        arrivals.count.add(1, ordering: .relaxed)
        return .ok
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
}

struct Tally: Sendable {
    let url: String
    let key: String

    @discardableResult
    func call(_ method: NIOHTTP1.HTTPMethod, _ path: String, _ json: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    func subscribe(_ url: String) async throws -> String {
        let (status, endpoint) = try await call(.POST, "/v1/webhooks", #"{"url":"\#(url)","events":["daily_log.created"]}"#)
        guard status == 201, let id = endpoint["id"] as? String else { throw BenchFailure("subscribing answered \(status)") }
        return id
    }

    func createLog(day: Int) async throws {
        let (status, _) = try await call(
            .POST, "/v1/daily-logs", #"{"user_id":"bench","date":"\#(date(day))","reviews":1,"demos":2,"callbacks":3}"#)
        if status != 201 { throw BenchFailure("creating a log answered \(status)") }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func date(_ index: Int) -> String {
    let day = Date(timeIntervalSince1970: Double(index) * 86_400)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: day)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

func latency(_ tally: Tally, port: Int, rate: Int, seconds: Int) async throws {
    let endpointID = try await tally.subscribe("http://127.0.0.1:\(port)/latency")
    let total = rate * seconds
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<total {
            try await Task.sleep(until: start + .milliseconds(index * 1000 / rate), clock: .continuous)
            group.addTask {
                arrivals.sent.withLock { $0[date(index)] = ContinuousClock.now }
                try await tally.createLog(day: index)
            }
        }
        try await group.waitForAll()
    }
    let deadline = ContinuousClock.now + .seconds(30)
    while arrivals.count.load(ordering: .relaxed) < total && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
    }
    let sent = arrivals.sent.withLock { $0 }
    let arrived = arrivals.byDate.withLock { $0 }
    let latencies = sent.compactMap { day, at in arrived[day].map { milliseconds($0 - at) } }.sorted()
    report("latency: \(rate) events/s for \(seconds) s, \(latencies.count) of \(total) delivered")
    report(
        String(
            format: "latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(latencies, 0.5),
            percentile(latencies, 0.9), percentile(latencies, 0.99), latencies.last ?? .nan))
    try await tally.call(.DELETE, "/v1/webhooks/\(endpointID)")
}

func backlog(_ tally: Tally, port: Int, count: Int) async throws {
    _ = try await tally.subscribe("http://127.0.0.1:\(port)/drain")
    let writers = 16
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                for index in stride(from: writer, to: count, by: writers) { try await tally.createLog(day: 100_000 + index) }
            }
        }
        try await group.waitForAll()
    }
    report("backlog: \(count) events waiting in the outbox")
}

func drain(count: Int) async throws {
    let deadline = ContinuousClock.now + .seconds(600)
    while arrivals.count.load(ordering: .relaxed) < count && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(2))
    }
    let received = arrivals.count.load(ordering: .relaxed)
    guard let first = arrivals.first.withLock({ $0 }), let last = arrivals.last.withLock({ $0 }) else {
        throw BenchFailure("nothing arrived")
    }
    let seconds = milliseconds(last - first) / 1000
    report(String(format: "throughput: %d deliveries in %.2f s = %.0f deliveries/s", received, seconds, Double(received) / seconds))
}

func runWithReceiver(port: Int, _ work: () async throws -> Void) async throws {
    let services = ServiceGroup(
        configuration: .init(services: [receiver(port: port)], gracefulShutdownSignals: [], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        try await Task.sleep(for: .milliseconds(300))
        do { try await work() } catch { report("benchmark failed: \(error)") }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.count) {
case ("latency", 6):
    let tally = Tally(url: arguments[1], key: arguments[2])
    try await runWithReceiver(port: Int(arguments[3])!) {
        try await latency(tally, port: Int(arguments[3])!, rate: Int(arguments[4])!, seconds: Int(arguments[5])!)
    }
case ("backlog", 5):
    try await backlog(Tally(url: arguments[1], key: arguments[2]), port: Int(arguments[3])!, count: Int(arguments[4])!)
case ("drain", 3):
    try await runWithReceiver(port: Int(arguments[1])!) { try await drain(count: Int(arguments[2])!) }
default:
    FileHandle.standardError.write(Data("usage: see the comment at the top of bench/WebhookBench/main.swift\n".utf8))
    exit(2)
}
func shutDown() async throws { try await client.shutdown() }
try await shutDown()
