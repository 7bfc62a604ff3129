import Domain
import Foundation
import Logging
import NIOCore
import NIOPosix
@testable import Persistence
import SQLKit

/// The engines a test runs on: SQLite always; PostgreSQL when `TEST_POSTGRES_URL` is set
/// (`.ci/run` and `scripts/test` start a throw-away server and set it).
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    public static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

/// A database of its own for one test, removed afterwards. PostgreSQL tests each get a new database
/// on the server, so tests run in parallel without seeing each other's rows.
public struct TestDatabase: Sendable {
    public let config: DatabaseConfig
    private let cleanup: @Sendable () async throws -> Void

    public static func make(_ engine: TestEngine) async throws -> TestDatabase {
        switch engine {
        case .sqlite:
            let path = NSTemporaryDirectory() + "vr-test-\(UUID().uuidString).sqlite"
            return TestDatabase(config: .sqlite(path: path)) {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        case .postgres:
            guard let admin = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"], !admin.isEmpty,
                  var components = URLComponents(string: admin)
            else { throw TestSetupError("TEST_POSTGRES_URL is not set") }
            let name = "vr_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await adminSQL(admin, "CREATE DATABASE \(name)")
            components.path = "/\(name)"
            return TestDatabase(config: .postgres(url: components.string!)) {
                try await adminSQL(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
        }
    }

    public func remove() async throws { try await cleanup() }

    private static func adminSQL(_ url: String, _ statement: String) async throws {
        let handle = try openHandle(.postgres(url: url))
        do {
            try await handle.sql.raw(SQLQueryString(statement)).run()
        } catch {
            await handle.shutdown()
            throw error
        }
        await handle.shutdown()
    }

    init(config: DatabaseConfig, cleanup: @escaping @Sendable () async throws -> Void) {
        self.config = config
        self.cleanup = cleanup
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A clock tests move by hand.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = start }

    public var now: Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A handle on the shared event loops and thread pool, as the app opens one. When the whole suite
/// starts at once on 2 cores, a connection can take longer than the app's 10 s to come free, so
/// tests wait up to a minute instead of failing on a busy machine.
func openHandle(_ config: DatabaseConfig) throws -> DatabaseHandle {
    var logger = Logger(label: "tests")
    logger.logLevel = .warning
    return try DatabaseHandle(config: config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, threadPool: .singleton, logger: logger,
                              connectionTimeout: .seconds(60))
}

/// Runs `body` with a database of its own for `engine`, removed afterwards whether `body` succeeds
/// or throws.
public func withTestDatabase(_ engine: TestEngine, _ body: (DatabaseConfig) async throws -> Void) async throws {
    // Swift Testing starts every test at once. PostgreSQL tests each create a database and migrate
    // it; on 2 busy cores, dozens of those together kept connection requests waiting past the pool's
    // 10 s timeout. A few at a time finish sooner in total and never time out.
    if engine == .postgres {
        try await postgresTests.run { try await runWithTestDatabase(engine, body) }
    } else {
        try await runWithTestDatabase(engine, body)
    }
}

/// How many PostgreSQL tests run at once.
public let postgresTestConcurrency = 4
private let postgresTests = AsyncSlots(postgresTestConcurrency)

private func runWithTestDatabase(_ engine: TestEngine, _ body: (DatabaseConfig) async throws -> Void) async throws {
    let database = try await TestDatabase.make(engine)
    do {
        try await body(database.config)
    } catch {
        try? await database.remove()
        throw error
    }
    try await database.remove()
}

/// Runs `body` with an open, migrated database of its own.
public func withMigratedDatabase(_ engine: TestEngine, _ body: (DatabaseHandle) async throws -> Void) async throws {
    try await withTestDatabase(engine) { config in
        let handle = try openHandle(config)
        do {
            try await handle.migrate()
            try await body(handle)
        } catch {
            await handle.shutdown()
            throw error
        }
        await handle.shutdown()
    }
}

/// Raw SQL on a test's database, for tampering with stored rows.
public func sqlDatabase(_ handle: DatabaseHandle) -> any SQLDatabase { handle.sql }
