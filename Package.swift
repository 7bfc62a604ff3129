// swift-tools-version:6.0
import PackageDescription

/// Every target names the modules whose members it uses (SE-0444), so the compiler proves that
/// Web uses no Fluent, Persistence no Vapor, and Domain and Operations neither.
let strictImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "vendor-review",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent-kit.git", exact: "1.57.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", exact: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        // Used directly by the SMTP mail transport (Vapor already builds both).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // The Canvas REST client (Vapor already builds it).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // ID tokens from an OpenID provider: JWKS and signature checks (RS256, ES256, EdDSA).
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        // The tests write .xlsx workbooks (ZIP archives of XML parts) with it. The app reads them with zlib itself:
        // see WorkbookArchive for why.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
    ],
    targets: [
        // Pure domain: value types, validation, policies, hash chain. No Vapor, no Fluent, no I/O.
        .target(
            name: "Domain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictImports
        ),
        // Fluent models, migrations and repositories behind one DatabaseHandle. Fluent types never
        // leave this module, and it knows nothing of Vapor.
        .target(
            name: "Persistence",
            dependencies: [
                "Domain",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        // One request-free type per workflow, called alike by pages, the API, commands and timers.
        // It sees only Domain: no Vapor, no Fluent.
        .target(
            name: "Operations",
            dependencies: ["Domain", "SystemZlib", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictImports
        ),
        // The Canvas REST API client: paging, throttling, retries, limits. Domain decodes what it reads.
        .target(
            name: "CanvasAPI",
            dependencies: [
                "Domain",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        // A Canvas that answers on loopback like the real one on the wire, driven by scenario files. It runs
        // as its own process (`vendor-review canvas-double`), for tests, benchmarks and `serve --demo`.
        .target(
            name: "CanvasDouble",
            dependencies: [.product(name: "Vapor", package: "vapor")],
            swiftSettings: strictImports
        ),
        // The system's zlib, for gzip-compressed request logs.
        .systemLibrary(name: "SystemZlib", path: "Sources/SystemZlib"),
        // Vapor: routes, controllers, forms, pages, middleware, commands.
        .target(
            name: "Web",
            dependencies: [
                "Domain",
                "Operations",
                "CanvasAPI",
                "CanvasDouble",
                "Persistence",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictImports
        ),
        // Prints figures; not a test. `swift run -c release vendor-review-bench`.
        .executableTarget(name: "vendor-review-bench", dependencies: ["Domain", "Operations", "Persistence", "Web", "CanvasAPI", "CanvasDouble",
                                                                .product(name: "Vapor", package: "vapor"), .product(name: "Logging", package: "swift-log")],
                          path: "Benchmarks/vendor-review-bench", swiftSettings: strictImports),
        .executableTarget(
            name: "vendor-review",
            dependencies: [
                "Web",
                "CanvasDouble",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictImports
        ),
        // Shared by the test targets: a fresh SQLite file or PostgreSQL database per test.
        .target(
            name: "TestSupport",
            dependencies: [
                "Domain", "Persistence",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strictImports
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain", .product(name: "Crypto", package: "swift-crypto")], exclude: ["Golden"], swiftSettings: strictImports),
        .testTarget(
            name: "PersistenceTests",
            dependencies: [
                "Domain", "Persistence", "TestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentKit", package: "fluent-kit"),
            ],
            swiftSettings: strictImports
        ),
        // The operations on a real database, without Vapor: what a timer or a command sees.
        .testTarget(
            name: "OperationsTests",
            dependencies: ["Domain", "Operations", "Persistence", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Domain", "Operations", "Persistence", "TestSupport", "CanvasAPI", "CanvasDouble",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
            ],
            exclude: ["Golden"],
            swiftSettings: strictImports
        ),
    ]
)
