import Foundation
import Hummingbird
import NIOCore
import NIOPosix

// The peer of bench/api: a bare Hummingbird route with no middleware, no auth and no database,
// built with the same compiler and settings as `tally`, and like `tally serve` running Swift
// concurrency on NIO's event loops (BARE_DEFAULT_EXECUTOR=1 keeps Swift's global pool instead).
// Usage: tally-bench-bare [port]
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8002
if ProcessInfo.processInfo.environment["BARE_DEFAULT_EXECUTOR"] != "1" {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
let router = Router()
router.get("/bare") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
