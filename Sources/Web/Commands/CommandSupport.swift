import Domain
import Foundation
import Operations
import Persistence
import Vapor

/// What every command does first (connect, bring the schema up to date) and how commands print.
enum CommandSupport {
    /// Connects and makes sure the schema is current: on SQLite (one process owns the file) pending
    /// migrations are applied, as `serve` does; on PostgreSQL, where several instances share the
    /// database, a command refuses to run against an old schema and says how to bring it up to date.
    static func ready(_ app: Application) async throws {
        try await connect(app)
        if case .sqlite = app.context.config.database {
            try await app.persistence.migrate()
        } else {
            let pending = try await app.persistence.pendingMigrations()
            if !pending.isEmpty {
                throw CommandFailure("the database needs \(pending.count) migration(s); run `vendor-review migrate` once, then try again")
            }
        }
    }

    /// Delivers the mail a command queued (a command has no worker behind it) and says how it went, on
    /// standard error so that a command's output (and its --json) stays as it was.
    static func deliverMail(_ app: Application) async throws {
        let round = try await app.operations.mail.deliverDue()
        guard round.sent + round.retrying + round.undeliverable > 0 else { return }
        FileHandle.standardError.write(Data("mail: \(round.sent) sent, \(round.retrying) to retry, \(round.undeliverable) undeliverable\n".utf8))
    }

    /// Fails with a message naming the database (never its password) when it cannot be reached.
    static func connect(_ app: Application) async throws {
        let config = app.context.config.database
        do {
            try await app.persistence.ping()
            try await app.persistence.prepareEngine()
        } catch {
            throw CommandFailure("cannot use the database at \(config.redacted): \(reason(error))")
        }
    }

    /// Machine output of a command: sorted keys, slashes as written, one value.
    static func printJSON(_ value: some Encodable, to console: any Console) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        console.output(String(decoding: try encoder.encode(value), as: UTF8.self), style: .plain, newLine: true)
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("connection refused") || text.contains("connectionerror") || text.contains("connect") {
            return "connection failed (is the server running and reachable?)"
        }
        if text.contains("password") || text.contains("authentication") { return "authentication failed" }
        if text.contains("does not exist") { return "the database does not exist" }
        if text.contains("unable to open") || text.contains("permission") { return "the file cannot be opened" }
        return "\(type(of: error))"
    }
}
