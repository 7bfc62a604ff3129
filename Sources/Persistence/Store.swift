import Domain
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor
import SQLKit

/// The repositories for one database handle. Web code reaches storage only through this.
public struct Store: Sendable {
    public let vendors: any VendorRepository
    public let users: any UserRepository
    public let tokens: any ApiTokenRepository
    public let audit: any AuditRepository
    public let integrations: any IntegrationRepository
    public let catalog: any CatalogRepository
    public let contracts: any ContractRepository
    public let answers: any AnswerRepository
    public let vendorLinks: any VendorLinkRepository
    public let reviews: any ReviewRepository
    public let releases: any KeyReleaseRepository
    public let reminders: any ReminderLog
    public let inheritedKeys: any InheritedKeyRepository
    public let tokenRegister: any TokenRegisterRepository
    public let lti: any LTIConfigurationRepository
    public let drift: any DriftRepository

    init(_ database: any Database) {
        vendors = FluentVendorRepository(database: database)
        users = FluentUserRepository(database: database)
        tokens = FluentApiTokenRepository(database: database)
        audit = FluentAuditRepository(database: database)
        integrations = FluentIntegrationRepository(database: database)
        catalog = FluentCatalogRepository(database: database)
        contracts = FluentContractRepository(database: database)
        answers = FluentAnswerRepository(database: database)
        vendorLinks = FluentVendorLinkRepository(database: database)
        reviews = FluentReviewRepository(database: database)
        releases = FluentKeyReleaseRepository(database: database)
        reminders = FluentReminderLog(database: database)
        inheritedKeys = FluentInheritedKeyRepository(database: database)
        tokenRegister = FluentTokenRegisterRepository(database: database)
        lti = FluentLTIConfigurationRepository(database: database)
        drift = FluentDriftRepository(database: database)
    }
}

extension Application {
    public var store: Store { Store(db) }
}

extension Request {
    public var store: Store { Store(db) }
}

/// Sets up the database, migrations and database-backed sessions for an application.
public enum PersistenceSetup {
    public static func configure(_ app: Application, database config: DatabaseConfig) throws {
        switch config {
        case let .sqlite(path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // SQL statements are logged only at trace level. Passwords and token values never reach
            // SQL (only their hashes do), so even trace logs hold no secret.
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case let .postgres(url):
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = nil
            app.databases.use(
                .postgres(configuration: postgres, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace),
                as: .psql)
        }
        for migration in Migrations.all { app.migrations.add(migration) }
        app.sessions.use(.fluent)
    }

    /// SQLite settings that live in the file: write-ahead logging for concurrent readers.
    public static func prepareEngine(_ app: Application, config: DatabaseConfig) async throws {
        guard case .sqlite = config, let sql = app.db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }

    /// Names of migrations not yet applied.
    public static func pendingMigrations(_ app: Application) async throws -> [String] {
        // A brand-new database has no migration log yet: create it so the question can be asked.
        try await app.migrator.setupIfNeeded().get()
        return try await app.migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// Checks the database answers; used by /healthz.
    public static func ping(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("SELECT 1").run()
    }
}

extension Request {
    public func pingDatabase() async throws { try await PersistenceSetup.ping(db) }
}
