import Domain
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// The open database: its connection pools, migrations, health check and the repositories over it.
/// Everything Fluent stays behind this type; the web app, the commands and the tests hold one of these.
public final class DatabaseHandle: Sendable {
    public let config: DatabaseConfig
    private let databases: Databases
    private let migrations: Migrations
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Opens (lazily: the first query connects) the database `config` names, on the caller's event
    /// loops and thread pool (SQLite runs its statements there). A query waits at most
    /// `connectionTimeout` for a free connection, and a new PostgreSQL connection as long to open.
    public init(config: DatabaseConfig, eventLoopGroup: any EventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
                connectionTimeout: TimeAmount = .seconds(10)) throws {
        self.config = config
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        switch config {
        case let .sqlite(path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // SQL statements are logged only at trace level. Passwords and token values never reach
            // SQL (only their hashes do), so even trace logs hold no secret.
            databases.use(.sqlite(.file(path), connectionPoolTimeout: connectionTimeout, sqlLogLevel: .trace), as: .sqlite)
        case let .postgres(url):
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = nil
            postgres.coreConfiguration.options.connectTimeout = connectionTimeout
            databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: connectionTimeout, sqlLogLevel: .trace),
                          as: .psql)
        }
        migrations = Migrations()
        migrations.add(MigrationList.all)
    }

    /// A database session on one of the event loops.
    var database: any Database {
        guard let database = databases.database(logger: logger, on: eventLoopGroup.any()) else {
            fatalError("the database was used after shutdown()")
        }
        return database
    }

    /// The repositories.
    public var store: Store { Store(fluent: database) }

    /// The sessions of signed-in people.
    public var sessions: any SessionRepository { FluentSessionRepository(database: database) }

    private var migrator: Migrator {
        Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoopGroup.any())
    }

    /// Applies every pending migration.
    public func migrate() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Reverts every migration (the tests and `migrate --revert`).
    public func revert() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.revertAllBatches().get()
    }

    /// Names of migrations not yet applied.
    public func pendingMigrations() async throws -> [String] {
        // A brand-new database has no migration log yet: create it so the question can be asked.
        try await migrator.setupIfNeeded().get()
        return try await migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// Checks the database answers; used by /healthz and before every command.
    public func ping() async throws {
        try await sql.raw("SELECT 1").run()
    }

    /// SQLite settings that live in the file: write-ahead logging for concurrent readers.
    public func prepareEngine() async throws {
        guard case .sqlite = config else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }

    /// Closes every connection. Nothing may use the handle afterwards.
    public func shutdown() async {
        await databases.shutdownAsync()
    }

    /// Raw SQL, for this module and the tests (`@testable`) only.
    var sql: any SQLDatabase { database.sqlDatabase }
}

extension Store {
    /// The Fluent repositories over one database session.
    init(fluent database: any Database) {
        self.init(
            vendors: FluentVendorRepository(database: database),
            users: FluentUserRepository(database: database),
            tokens: FluentApiTokenRepository(database: database),
            audit: FluentAuditRepository(database: database),
            integrations: FluentIntegrationRepository(database: database),
            catalog: FluentCatalogRepository(database: database),
            contracts: FluentContractRepository(database: database),
            answers: FluentAnswerRepository(database: database),
            vendorLinks: FluentVendorLinkRepository(database: database),
            reviews: FluentReviewRepository(database: database),
            releases: FluentKeyReleaseRepository(database: database),
            reminders: FluentReminderLog(database: database),
            inheritedKeys: FluentInheritedKeyRepository(database: database),
            tokenRegister: FluentTokenRegisterRepository(database: database),
            lti: FluentLTIConfigurationRepository(database: database),
            drift: FluentDriftRepository(database: database),
            canvas: FluentCanvasSyncRepository(database: database), canvasWrites: FluentCanvasWriteRepository(database: database),
            outbox: FluentMailOutbox(database: database), signInThrottle: SQLSignInThrottle(database: database),
            hecvat: FluentHECVATRepository(database: database))
    }
}
