import Fluent
import FluentPostgresDriver
import Foundation
import Persistence
import SQLKit
import Vapor

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
        let app = try await Application.make(.testing)
        do {
            app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
            try await (app.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
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

/// Runs `body` with a new application and a database of its own for `engine`; shuts the app down
/// and removes the database afterwards, whether `body` succeeds or throws.
public func withTestApplication(
    _ engine: TestEngine, _ body: (Application, DatabaseConfig) async throws -> Void
) async throws {
    // Swift Testing starts every test at once. PostgreSQL tests each create a database and migrate
    // it; on 2 busy cores, dozens of those together kept connection requests waiting past the pool's
    // 10 s timeout. A few at a time finish sooner in total and never time out.
    if engine == .postgres {
        try await postgresTests.run { try await runTestApplication(engine, body) }
    } else {
        try await runTestApplication(engine, body)
    }
}

/// How many PostgreSQL tests run at once.
public let postgresTestConcurrency = 4
private let postgresTests = AsyncSlots(postgresTestConcurrency)

private func runTestApplication(
    _ engine: TestEngine, _ body: (Application, DatabaseConfig) async throws -> Void
) async throws {
    let database = try await TestDatabase.make(engine)
    let app = try await Application.make(.testing)
    do {
        try await body(app, database.config)
    } catch {
        try? await app.asyncShutdown()
        try? await database.remove()
        throw error
    }
    try await app.asyncShutdown()
    try await database.remove()
}

/// Runs `body` with an application whose database is migrated.
public func withMigratedApp(_ engine: TestEngine, _ body: (Application) async throws -> Void) async throws {
    try await withTestApplication(engine) { app, config in
        try PersistenceSetup.configure(app, database: config)
        try await app.autoMigrate()
        try await body(app)
    }
}

public func sqlDatabase(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }
