// The webhook benchmark's driver and receiver in one process (see bench/webhooks/run.sh):
// it receives Tally's deliveries on 127.0.0.1 and drives Tally's API to cause them.
//
//   tally-bench-webhooks TALLY_URL API_KEY RECEIVER_PORT [RATE] [SECONDS] [BACKLOG]
//
// 1. Latency: creates daily logs at RATE per second for SECONDS and measures, for each, the time
//    from just before its POST was sent to the arrival of its daily_log.created delivery.
// 2. Throughput: switches the endpoint off, creates BACKLOG logs, switches it on and measures
//    how fast the backlog is delivered.
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 4, let receiverPort = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: tally-bench-webhooks TALLY_URL API_KEY RECEIVER_PORT [RATE] [SECONDS] [BACKLOG]\n".utf8))
    exit(2)
}
let tallyURL = arguments[1]
let apiKey = arguments[2]
let rate = arguments.count > 4 ? Int(arguments[4]) ?? 100 : 100
let seconds = arguments.count > 5 ? Int(arguments[5]) ?? 30 : 30
let backlog = arguments.count > 6 ? Int(arguments[6]) ?? 20_000 : 20_000

/// What the receiver saw: arrival times by daily log date.
final class Arrivals: Sendable {
    let byDate = Mutex<[String: ContinuousClock.Instant]>([:])
    let count = Atomic<Int>(0)
    /// When each log's POST was sent, by date.
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
}
let arrivals = Arrivals()

let router = Router()
router.post("/hook") { request, _ -> HTTPResponse.Status in
    let body = try await request.body.collect(upTo: 1 << 20)
    let now = ContinuousClock.now
    if let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
        let data = object["data"] as? [String: Any], let date = data["date"] as? String
    {
        arrivals.byDate.withLock { $0[date] = now }
    }
    arrivals.count.add(1, ordering: .relaxed)
    return .ok
}
let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)), logger: logger)
let client = HTTPClient(eventLoopGroupProvider: .singleton)

func call(_ method: NIOHTTP1.HTTPMethod, _ path: String, _ json: String? = nil) async throws -> (Int, [String: Any]) {
    var request = HTTPClientRequest(url: tallyURL + path)
    request.method = method
    request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await client.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    return (Int(response.status.code), object)
}

func date(_ index: Int) -> String {
    let day = Date(timeIntervalSince1970: Double(index) * 86_400)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: day)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func benchmark() async throws {
    let (status, endpoint) = try await call(.POST, "/v1/webhooks", #"{"url":"http://127.0.0.1:\#(receiverPort)/hook","events":["daily_log.created"]}"#)
    guard status == 201, let endpointID = endpoint["id"] as? String else { throw CancellationError() }

    // 1. Latency at a steady rate.
    let total = rate * seconds
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<total {
            let due = start + .milliseconds(index * 1000 / rate)
            try await Task.sleep(until: due, clock: .continuous)
            let day = date(index)
            group.addTask {
                arrivals.sent.withLock { $0[day] = ContinuousClock.now }
                let (code, _) = try await call(
                    .POST, "/v1/daily-logs", #"{"user_id":"bench","date":"\#(day)","reviews":1,"demos":2,"callbacks":3}"#)
                if code != 201 { print("POST answered \(code)") }
            }
        }
        try await group.waitForAll()
    }
    let waitUntil = ContinuousClock.now + .seconds(30)
    while arrivals.count.load(ordering: .relaxed) < total && ContinuousClock.now < waitUntil {
        try await Task.sleep(for: .milliseconds(20))
    }
    let sentTimes = arrivals.sent.withLock { $0 }
    let arrivalTimes = arrivals.byDate.withLock { $0 }
    let latencies = sentTimes.compactMap { day, at -> Double? in
        guard let arrived = arrivalTimes[day] else { return nil }
        let duration = arrived - at
        return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }.sorted()
    print("latency: \(rate) events/s for \(seconds) s: \(latencies.count)/\(total) delivered")
    print(String(format: "latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
        percentile(latencies, 0.5), percentile(latencies, 0.9), percentile(latencies, 0.99), latencies.last ?? .nan))

    // 2. Throughput: a backlog delivered as fast as Tally can.
    _ = try await call(.PATCH, "/v1/webhooks/\(endpointID)", #"{"enabled":false}"#)
    let before = arrivals.count.load(ordering: .relaxed)
    let writers = 16
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                for index in stride(from: writer, to: backlog, by: writers) {
                    _ = try await call(
                        .POST, "/v1/daily-logs",
                        #"{"user_id":"bench","date":"\#(date(total + index))","reviews":1,"demos":2,"callbacks":3}"#)
                }
            }
        }
        try await group.waitForAll()
    }
    let enabledAt = ContinuousClock.now
    _ = try await call(.PATCH, "/v1/webhooks/\(endpointID)", #"{"enabled":true}"#)
    let deadline = ContinuousClock.now + .seconds(300)
    while arrivals.count.load(ordering: .relaxed) < before + backlog && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(5))
    }
    let elapsed = ContinuousClock.now - enabledAt
    let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let delivered = arrivals.count.load(ordering: .relaxed) - before
    print(String(format: "throughput: %d deliveries in %.2f s = %.0f deliveries/s", delivered, elapsedSeconds,
        Double(delivered) / elapsedSeconds))
}

let services = ServiceGroup(configuration: .init(services: [receiver], gracefulShutdownSignals: [], logger: logger))
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await services.run() }
    try await Task.sleep(for: .milliseconds(300))
    do {
        try await benchmark()
    } catch {
        print("benchmark failed: \(error)")
    }
    await services.triggerGracefulShutdown()
    try await group.waitForAll()
}
try await client.shutdown()
