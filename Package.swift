// swift-tools-version:6.2
import PackageDescription

/// Settings every target shares: Swift 6 mode, strict existentials and explicit imports.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-cycles",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CyclesProtocol", targets: ["CyclesProtocol"]),
        .library(name: "Cycles", targets: ["Cycles"]),
        .library(name: "CyclesServer", targets: ["CyclesServer"]),
        .library(name: "CyclesTesting", targets: ["CyclesTesting"]),
        .library(name: "CyclesConformance", targets: ["CyclesConformance"]),
        .executable(name: "cycles", targets: ["cycles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Already in the graph through Hummingbird; declared because our targets import their modules directly.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Drivers, adapters and every other child process (Foundation's `Process` crashes on Linux; see ChildProcess).
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // The dashboard's server-rendered HTML (`/dashboard`): logic-less templates that HTML-escape by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // `/metrics` on the reference server (each server its own registry; no global MetricsSystem bootstrap).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Lock-free counters and lazily created series on the request path (already in the graph via swift-prometheus).
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        // Client spans (a no-op unless the application bootstraps a tracer); already in the graph via Hummingbird.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        .target(
            name: "CyclesProtocol",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Cycles",
            dependencies: [
                "CyclesProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CyclesServer",
            dependencies: [
                "CyclesProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // Webhook delivery (the dispatcher's outbound POSTs).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // NIOThreadPool: the dispatcher's blocking DNS lookups run there, off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CyclesTesting",
            dependencies: [
                "CyclesProtocol",
                "Cycles",
                "CyclesServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // CyclesWebhookReceiver: its loopback HTTP server and the signature check.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CyclesConformance",
            dependencies: [
                "CyclesProtocol",
                "Cycles",
                // Client mode hosts the mock server in-process and drives it through its control API.
                "CyclesServer",
                "CyclesTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "cycles",
            dependencies: [
                "CyclesProtocol",
                "Cycles",
                "CyclesServer",
                "CyclesConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The client-conformance driver for our own Swift client (`cycles conformance client --driver …`).
        .executableTarget(
            name: "CyclesSwiftDriver", dependencies: ["Cycles", "CyclesProtocol"], path: "Conformance/drivers/swift",
            swiftSettings: strictSettings),
        // The process-level half of the durable-recovery tests (restart, concurrent replay) and the recovery
        // conformance adapter that scripts/recovery-conformance-adapter runs.
        .executableTarget(
            name: "cycles-recovery-harness",
            dependencies: [
                "Cycles",
                "CyclesProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/CyclesRecoveryHarness",
            swiftSettings: strictSettings
        ),
        // Examples (built in CI so they cannot rot): basic usage, the guard + low-level API, streaming, errors.
        .executableTarget(
            name: "BasicUsageExample", dependencies: ["Cycles"], path: "Examples/BasicUsage",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "GuardUsageExample", dependencies: ["Cycles"], path: "Examples/GuardUsage",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "StreamingExample", dependencies: ["Cycles"], path: "Examples/Streaming",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "ErrorHandlingExample", dependencies: ["Cycles"], path: "Examples/ErrorHandling",
            swiftSettings: strictSettings),
        // The README's Swift snippets, each the whole main.swift of an executable that depends on the product of the
        // same name, exactly as a user would paste it (no strict settings: a fresh package has none). A test keeps
        // each file byte-identical to its README block; building them here costs seconds, not a second graph.
        .executableTarget(
            name: "ReadmeClientQuickstart", dependencies: ["Cycles"], path: "Examples/Readme/ClientQuickstart"),
        .executableTarget(
            name: "ReadmeServerQuickstart", dependencies: ["CyclesServer"], path: "Examples/Readme/ServerQuickstart"),
        .executableTarget(
            name: "ReadmeMockQuickstart", dependencies: ["Cycles", "CyclesTesting"],
            path: "Examples/Readme/MockQuickstart"),
        .executableTarget(
            name: "ReadmeWebhookReceiver", dependencies: ["Cycles", "CyclesTesting"],
            path: "Examples/Readme/WebhookReceiver"),
        // The `cycles` executable's own logic (build info, `--version`); links the executable module for testing.
        .testTarget(
            name: "CyclesCommandTests",
            dependencies: [
                "cycles",
                "CyclesProtocol",
                // `cycles admin` tests run its commands in-process against a ReferenceServer on port 0.
                "CyclesServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CyclesProtocolTests",
            dependencies: ["CyclesProtocol"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CyclesServerTests",
            dependencies: [
                "CyclesProtocol",
                "CyclesServer",
                // ChildProcess: the dashboard's browser test runs scripts/browser-test.sh.
                "CyclesConformance",
                "CyclesTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The redirect test's endpoint.
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CyclesClientTests",
            dependencies: [
                "CyclesProtocol",
                "Cycles",
                // ChildProcess: the restart tests start the recovery harness as a separate process.
                "CyclesConformance",
                "CyclesServer",
                "CyclesTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Client spans are checked against an in-memory tracer injected through `CyclesConfig.tracer`.
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CyclesConformanceTests",
            dependencies: [
                "CyclesProtocol",
                // Built before the tests run: the client-conformance tests start it as a driver process.
                "CyclesSwiftDriver",
                "CyclesConformance",
                "CyclesServer",
                "CyclesTesting",
                "Cycles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CyclesTestingTests",
            dependencies: [
                "CyclesProtocol",
                "CyclesTesting",
                "CyclesServer",
                "Cycles",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
