// swift-tools-version: 6.1
// Sextant: a self-hosted customer-analytics suite. See README.md and proto-spec/.
//
// Layering (enforced by the dependency lists below):
//   SextantWire <- SextantRPC <- SextantContracts <- service libraries <- executables
// SextantRPCNIO (sockets, TLS) is imported only by executables and end-to-end tests.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The codec and the RPC layer: as above, plus no dynamic exclusivity checks in release builds.
/// Those checks cost about 8% of encode/decode time (measured with `sextant-bench codec`);
/// debug builds, where every test runs, keep them.
let hotPathSettings: [SwiftSetting] = swiftSettings + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "sextant",
    platforms: [.macOS("15.0")],
    products: [
        .library(name: "SextantWire", targets: ["SextantWire"]),
        .library(name: "SextantRPC", targets: ["SextantRPC"]),
        .library(name: "SextantRPCNIO", targets: ["SextantRPCNIO"]),
        .library(name: "SextantTesting", targets: ["SextantTesting"]),
        .library(name: "SextantContracts", targets: ["SextantContracts"]),
        .executable(name: "sextant", targets: ["sextant"]),
        .executable(name: "ingest-service", targets: ["ingest-service"]),
        .executable(name: "attribution-service", targets: ["attribution-service"]),
        .executable(name: "insights-service", targets: ["insights-service"]),
        .executable(name: "predictive-service", targets: ["predictive-service"]),
        .executable(name: "billing-service", targets: ["billing-service"]),
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "sextant-bench", targets: ["sextant-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The system zlib (Debian: zlib1g-dev), for per-message compression.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // The shared Codable module: binary encoder/decoder and the frame format. No networking.
        .target(
            name: "SextantWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio")
            ],
            swiftSettings: hotPathSettings
        ),

        // RPC core: status, errors, metadata, descriptors, call handling. NIOCore at most.
        .target(
            name: "SextantRPC",
            dependencies: [
                "SextantWire",
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: hotPathSettings
        ),

        // The transport: frames on TCP + TLS 1.3 with mutual authentication.
        .target(
            name: "SextantRPCNIO",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),

        // Every service's request/response types and method descriptors.
        .target(
            name: "SextantContracts",
            dependencies: ["SextantWire", "SextantRPC"],
            swiftSettings: swiftSettings
        ),

        // Storage building blocks shared by the services: SQLite through GRDB (WAL, migrations,
        // group commit). Each service defines and owns its own schema.
        .target(
            name: "SextantStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The same building blocks on PostgreSQL (postgres-nio): a schema per service, numbered
        // migrations under an advisory lock, transactions, the log cursor (issue 7).
        .target(
            name: "SextantPostgres",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Following ingest's log from a consuming service: resubscribe with backoff, apply in order,
        // persist the position with the effects (LogApplier + SextantStore.LogCursor).
        .target(
            name: "SextantLogFollower",
            dependencies: [
                "SextantContracts",
                "SextantRPC",
                "SextantStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // What every service executable shares: options from flags and environment, structured
        // logging, the Prometheus /metrics endpoint, the server's run loop and graceful shutdown,
        // clients for peer services, the `health` subcommand.
        .target(
            name: "SextantService",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantContracts",
                "SextantLogFollower",
                "SextantRPCNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // ingest-service's library: accounts, profiles, identities, the event log, validation,
        // idempotency and the RPC handlers, on SQLite or PostgreSQL. No sockets of its own:
        // tested in-process (the PostgreSQL tests need a server, see SEXTANT_TEST_POSTGRES_URL).
        .target(
            name: "Ingest",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantContracts",
                "SextantStore",
                "SextantPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // billing-service's library. Models/ is pure: tier tables, active-profile counting,
        // usage, invoices, plan changes and entitlements, tested with plain data.
        .target(
            name: "Billing",
            dependencies: [
                "SextantWire",
                "SextantContracts",
                "SextantRPC",
                "SextantStore",
                "SextantPostgres",
                "SextantLogFollower",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // predictive-service's library. Models/ is pure: per-customer summaries, BG/NBD,
        // Gamma-Gamma, fitting, scoring; no I/O and no RPC, tested with plain data.
        .target(
            name: "Predictive",
            dependencies: [],
            swiftSettings: swiftSettings
        ),
        // predictive-service's library: orders from the log, fits, model cards, profile predictions.
        .target(
            name: "PredictiveService",
            dependencies: [
                "Predictive", "SextantContracts", "SextantRPC", "SextantStore", "SextantLogFollower", "SextantWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // The demo shop for `sextant up --demo` (a seeded generator) and the parsers of `sextant import`.
        .target(
            name: "SextantDemo",
            dependencies: ["SextantContracts", "SextantWire"],
            swiftSettings: swiftSettings
        ),

        // attribution-service's library: Customer Hub revenue attribution from the log (rules, store,
        // RPC handlers). No sockets: tested in-process.
        .target(
            name: "Attribution",
            dependencies: [
                "SextantWire", "SextantContracts", "SextantRPC", "SextantStore", "SextantLogFollower",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // insights-service's library: Periods/ (pure period rules), Store/ (aggregates from the log,
        // the Customer Hub dashboard query), the router.
        .target(
            name: "Insights",
            dependencies: [
                "SextantWire", "SextantContracts", "SextantRPC", "SextantStore", "SextantLogFollower",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // The gateway's library: the HTTP/JSON API (Hummingbird), API keys, rate limits, OpenAPI, the
        // binary ingest port's handlers. No sockets: tested in-process.
        .target(
            name: "Gateway",
            dependencies: [
                "SextantWire", "SextantRPC", "SextantContracts", "SextantStore", "SextantPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Shared test support: in-process transport, loopback-TLS harness, dev-CA helpers.
        .target(
            name: "SextantTesting",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantRPCNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "sextant",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantContracts",
                "SextantTesting",
                "SextantService",
                "SextantDemo",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The service executables: a main that reads configuration and runs the service.
        .executableTarget(
            name: "ingest-service",
            dependencies: [
                "Ingest",
                "SextantContracts",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantService",
                "SextantStore",
                "SextantWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "services/ingest-service",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "attribution-service",
            dependencies: [
                "Attribution",
                "SextantContracts",
                "SextantLogFollower",
                "SextantService",
                "SextantStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "services/attribution-service",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "insights-service",
            dependencies: [
                "Insights",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantContracts",
                "SextantLogFollower",
                "SextantService",
                "SextantStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "services/insights-service",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "predictive-service",
            dependencies: [
                "PredictiveService",
                "SextantContracts",
                "SextantLogFollower",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantService",
                "SextantStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "services/predictive-service",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "billing-service",
            dependencies: [
                "Billing",
                "SextantContracts",
                "SextantLogFollower",
                "SextantPostgres",
                "SextantService",
                "SextantStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "services/billing-service",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gateway",
            dependencies: [
                "Gateway", "SextantContracts", "SextantRPC", "SextantRPCNIO", "SextantService", "SextantStore", "SextantPostgres", "SextantWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "services/gateway",
            exclude: ["Dockerfile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sextant-bench",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantTesting",
                "SextantContracts",
                "SextantStore",
                "Ingest",
                "Predictive",
                "Insights",
                "Attribution",
                "SextantPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "SextantWireTests",
            dependencies: [
                "SextantWire",
                "SextantTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest",
                "SextantContracts",
                "SextantRPC",
                "SextantWire",
                "SextantStore",
                "SextantPostgres",
                "SextantTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the real service executables (built by `swift build`) over loopback mutual TLS.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SextantContracts",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantWire",
                "SextantTesting",
                "SextantPostgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SextantPostgresTests",
            dependencies: ["SextantPostgres", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComposeTopologyTests",
            dependencies: ["SextantTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SextantDemoTests",
            dependencies: ["SextantDemo", "SextantContracts", "SextantWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SextantLogFollowerTests",
            dependencies: [
                "SextantLogFollower",
                "SextantContracts",
                "SextantRPC",
                "SextantStore",
                "SextantTesting",
                "Ingest",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Ingest", "Billing", "Insights", "Attribution", "PredictiveService", "SextantContracts", "SextantRPC", "SextantRPCNIO",
                "SextantStore", "SextantPostgres", "SextantTesting", "SextantWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // ingest- and billing-service wired together in one process (no sockets).
        .testTarget(
            name: "SuiteIntegrationTests",
            dependencies: [
                "Ingest", "Billing", "SextantLogFollower", "SextantContracts", "SextantRPC", "SextantStore", "SextantTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AttributionTests",
            dependencies: [
                "SextantTesting",
                "Attribution", "SextantContracts", "SextantRPC", "SextantWire", "SextantStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InsightsTests",
            dependencies: [
                "SextantTesting",
                "Insights", "Ingest", "SextantContracts", "SextantRPC", "SextantWire", "SextantStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BillingTests",
            dependencies: [
                "SextantTesting",
                "Billing",
                "SextantContracts",
                "SextantRPC",
                "SextantWire",
                "SextantStore",
                "SextantPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PredictiveTests",
            dependencies: ["Predictive"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PredictiveServiceTests",
            dependencies: [
                "PredictiveService", "Predictive", "SextantContracts", "SextantRPC", "SextantStore", "SextantTesting", "SextantWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SextantRPCTests",
            dependencies: ["SextantWire", "SextantRPC", "SextantTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SextantRPCNIOTests",
            dependencies: [
                "SextantWire",
                "SextantRPC",
                "SextantRPCNIO",
                "SextantTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
