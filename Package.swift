// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
        .library(name: "TallyClient", targets: ["TallyClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Domain types and rules: pure, no I/O.
        .target(
            name: "TallyCore",
            swiftSettings: swiftSettings
        ),
        // The store protocol, migrations and the SQLite implementation.
        .target(
            name: "TallyStore",
            dependencies: [
                "TallyCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the data-version watch (SQLiteChanges).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib from the system (zlib1g-dev): inflate and crc32 at C speed for the Apple Health
        // reader. Not named CZlib, which ZIPFoundation uses.
        .systemLibrary(
            name: "CTallyZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Foreign data, one folder per source (Toggl, Clockify, Apple Health, Health Auto Export):
        // clients and readers, wire types, mapping to TallyCore; Sync/ holds what they share.
        .target(
            name: "TallyIntegrations",
            dependencies: [
                "CTallyZlib",
                "TallyCore",
                "TallyStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Outbound webhooks: secrets, signing, the URL policy and the outbox dispatcher.
        .target(
            name: "TallyWebhooks",
            dependencies: [
                "TallyCore",
                "TallyStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OpenAPI document, embedded so the binary can serve it without resource bundles.
        .target(
            name: "TallyAPISpec",
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // The dashboard's templates, stylesheet and script, compiled into the binary like the spec.
        .target(
            name: "TallyDashboardAssets",
            resources: [
                .embedInCode("templates/layout.mustache"),
                .embedInCode("templates/signin.mustache"),
                .embedInCode("templates/setup.mustache"),
                .embedInCode("templates/overview.mustache"),
                .embedInCode("templates/entries.mustache"),
                .embedInCode("templates/team.mustache"),
                .embedInCode("templates/integrations.mustache"),
                .embedInCode("templates/settings.mustache"),
                .embedInCode("templates/message.mustache"),
                .embedInCode("static/dashboard.css"),
                .embedInCode("static/dashboard.js"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application: API v1 handlers (generated from openapi.yaml), middleware, docs.
        .target(
            name: "TallyServer",
            dependencies: [
                "TallyCore",
                "TallyStore",
                "TallyWebhooks",
                "TallyIntegrations",
                "TallyAPISpec",
                "TallyDashboardAssets",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Client library for API v1, generated from the same openapi.yaml.
        .target(
            name: "TallyClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyCore",
                "TallyStore",
                "TallyServer",
                "TallyWebhooks",
                "TallyIntegrations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Synthetic Apple Health exports (zip, folder or bare XML) and the manifest of what a
        // correct reader finds in them, for the tests and bench/health. zlib deflates.
        .executableTarget(
            name: "gen-health-export",
            dependencies: ["CTallyZlib", "TallyCore"],
            swiftSettings: swiftSettings
        ),
        // A bare Hummingbird server, the peer for bench/api (see bench/README.md).
        .executableTarget(
            name: "tally-bench-bare",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "bench/BareServer",
            swiftSettings: swiftSettings
        ),
        // Test helpers shared by the test targets, all real HTTP servers on loopback: a webhook
        // receiver and fakes of Toggl and Clockify.
        .target(
            name: "TallyTestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Reads go-vcr cassettes (VCRCassette) for the fakes' recorded answers.
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/TallyTestSupport",
            swiftSettings: swiftSettings
        ),
        // Reads one Apple Health export and prints what it found, for bench/health/run.sh.
        .executableTarget(
            name: "tally-health-bench",
            dependencies: ["TallyIntegrations"],
            path: "bench/health/Reader",
            swiftSettings: swiftSettings
        ),
        // The webhook benchmark's receiver and load driver (bench/webhooks).
        .executableTarget(
            name: "tally-bench-webhooks",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "bench/WebhookBench",
            swiftSettings: swiftSettings
        ),
        // The Toggl sync benchmark (bench/sync): FakeToggl over loopback into SQLite.
        .executableTarget(
            name: "tally-sync-bench",
            dependencies: [
                "TallyCore",
                "TallyIntegrations",
                "TallyStore",
                "TallyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "bench/sync/Runner",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TallyCoreTests",
            dependencies: ["TallyCore"],
            swiftSettings: swiftSettings
        ),
        // The Apple Health reader against archives made by gen-health-export, which the tests
        // run from the build's bin path (or TALLY_GEN_HEALTH_EXPORT); the dependency builds it.
        .testTarget(
            name: "TallyIntegrationsTests",
            dependencies: [
                "gen-health-export",
                "TallyIntegrations",
                "TallyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TallyStoreTests",
            dependencies: ["TallyCore", "TallyStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TallyServerTests",
            dependencies: [
                "TallyCore",
                "TallyIntegrations",
                "TallyStore",
                "TallyServer",
                "TallyWebhooks",
                "TallyClient",
                "TallyTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Drives the built `tally` binary as a process, and the seed's Python client against it.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "gen-health-export",
                "tally",
                "TallyClient",
                "TallyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
