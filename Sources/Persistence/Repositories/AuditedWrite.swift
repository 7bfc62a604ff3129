import Domain
import FluentKit
import SQLKit

/// Runs a change and appends its audit events in one transaction.
///
/// The first statement of every audited transaction advances the chain head. On PostgreSQL that takes
/// the head row's lock; on SQLite it takes the database write lock. Either way concurrent writers queue
/// up here, so each one sees the latest head, the chain never forks, and any read-then-write checks
/// inside `body` (version numbers, unique names) cannot race.
enum AuditedWrite {
    static func run<T: Sendable>(
        on database: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> T {
        // SQLite has one writer at a time, and SQLiteNIO's busy handler retries a locked database in a
        // tight loop on a pool thread. Writers of this process therefore queue here, in order, without
        // holding a connection or a core while they wait (on 2 cores, 24 spinning writers once starved
        // the lock holder past the connection pool's timeout).
        guard (database as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await transaction(on: database, body) }
        return try await sqliteWriters.run { try await transaction(on: database, body) }
    }

    static let sqliteWriters = AsyncSlots(1)

    /// A write outside an audited transaction, queued behind this process's other SQLite writers.
    static func serialized<T>(on database: any Database, _ body: () async throws -> T) async throws -> T {
        guard (database as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await body() }
        return try await sqliteWriters.run(body)
    }

    private static func transaction<T: Sendable>(
        on database: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> T {
        // Mail composed for this change goes in with it (see `MailWithChange`).
        let carrier = MailWithChange.current
        let mail = carrier?.claim() ?? []
        do {
            let (result, stored) = try await committed(on: database, mail: mail, belongs: { carrier?.belongs(with: $0) ?? true }, body)
            if !mail.isEmpty { stored ? carrier?.markCommitted() : carrier?.giveBack() }
            return result
        } catch {
            if !mail.isEmpty { carrier?.giveBack() }
            throw error
        }
    }

    /// The change, its events and (when they belong with those events) the mail, in one transaction;
    /// returns whether the mail was stored.
    private static func committed<T: Sendable>(
        on database: any Database, mail: [QueuedMail], belongs: @escaping @Sendable ([AuditEntry]) -> Bool,
        _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> (T, Bool) {
        try await database.transaction { tx in
            let sql = tx.sqlDatabase
            try await sql.raw("UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1").run()
            let (result, entries) = try await body(tx)
            guard let head = try await AuditHeadModel.find(1, on: tx) else { throw PersistenceError.missingChainHead }
            // The update above reserved one sequence number; events beyond the first extend it.
            var sequence = head.lastSequence
            var previous = head.lastHash
            for (index, entry) in entries.enumerated() {
                if index > 0 { sequence += 1 }
                let event = AuditChain.seal(entry, sequence: sequence, previousHash: previous)
                try await AuditEventModel(event).create(on: tx)
                previous = event.hash
            }
            if entries.isEmpty {
                // Nothing to record: give the reserved number back (still inside the lock).
                sequence -= 1
            }
            head.lastSequence = sequence
            head.lastHash = previous
            try await head.update(on: tx)
            let stored = !mail.isEmpty && belongs(entries)
            if stored {
                for message in mail { try await MailOutboxModel(message).create(on: tx) }
            }
            return (result, stored)
        }
    }
}

extension Error {
    /// True when the database refused a write for breaking a unique index or other constraint.
    var isConstraintFailure: Bool { (self as? any DatabaseError)?.isConstraintFailure ?? false }
}
