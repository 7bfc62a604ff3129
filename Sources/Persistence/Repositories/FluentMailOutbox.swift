import Domain
import FluentKit
import Foundation
import SQLKit

struct FluentMailOutbox: MailOutboxRepository {
    let database: any Database

    func enqueue(_ mail: QueuedMail) async throws {
        let model = try MailOutboxModel(mail)
        try await AuditedWrite.serialized(on: database) { try await model.create(on: database) }
    }

    /// One statement claims: `UPDATE … WHERE state = 'pending' … RETURNING id`. On PostgreSQL a second
    /// instance that picked the same rows waits on their locks, then finds them no longer pending.
    func claim(now: Date, limit: Int) async throws -> [QueuedMail] {
        let sql = database.sqlDatabase
        let bounded = max(1, min(limit, 500))
        let statement: SQLQueryString = """
            UPDATE mail_outbox SET state = 'sending', claimed_at = \(bind: now) \
            WHERE state = 'pending' AND id IN (SELECT id FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= \(bind: now) \
            ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(bounded))) RETURNING id
            """
        let rows = try await AuditedWrite.serialized(on: database) { try await sql.raw(statement).all() }
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        return try await MailOutboxModel.query(on: database).filter(\.$id ~~ ids).sort(\.$nextAttemptAt).all().map { try $0.toDomain() }
    }

    func markSent(_ id: QueuedMail.ID, at now: Date) async throws {
        try await AuditedWrite.serialized(on: database) {
            try await MailOutboxModel.query(on: database).filter(\.$id == id.rawValue)
                .set(\.$state, to: QueuedMail.State.sent.rawValue).set(\.$sentAt, to: now).set(\.$body, to: Data())
                .set(\.$lastError, to: nil).set(\.$claimedAt, to: nil).update()
        }
    }

    func markFailed(_ id: QueuedMail.ID, attempts: Int, error: String, retryAt: Date?) async throws {
        try await AuditedWrite.serialized(on: database) {
            var update = MailOutboxModel.query(on: database).filter(\.$id == id.rawValue)
                .set(\.$attempts, to: attempts).set(\.$lastError, to: MailRetry.trimmed(error)).set(\.$claimedAt, to: nil)
            if let retryAt {
                update = update.set(\.$state, to: QueuedMail.State.pending.rawValue).set(\.$nextAttemptAt, to: retryAt)
            } else {
                update = update.set(\.$state, to: QueuedMail.State.undeliverable.rawValue)
            }
            try await update.update()
        }
    }

    func abandonInterrupted(claimedBefore: Date) async throws -> Int {
        let stale = try await MailOutboxModel.query(on: database).filter(\.$state == QueuedMail.State.sending.rawValue)
            .filter(\.$claimedAt < claimedBefore).all(\.$id)
        guard !stale.isEmpty else { return 0 }
        try await AuditedWrite.serialized(on: database) {
            try await MailOutboxModel.query(on: database).filter(\.$id ~~ stale).filter(\.$state == QueuedMail.State.sending.rawValue)
                .set(\.$state, to: QueuedMail.State.undeliverable.rawValue).set(\.$lastError, to: MailRetry.interrupted).update()
        }
        return stale.count
    }

    func summary() async throws -> OutboxSummary {
        let sql = database.sqlDatabase
        // One count per (state, failed before) instead of a query per number; the lists only when there is something to list.
        let failedBefore = SQLRaw("CASE WHEN attempts > 0 THEN 1 ELSE 0 END")
        let unsent: [QueuedMail.State] = [.pending, .sending, .undeliverable]
        let rows = try await sql.select().column("state").column(failedBefore, as: "failed").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(MailOutboxModel.schema).where(SQLIdentifier("state"), .in, SQLGroupExpression(unsent.map { SQLBind($0.rawValue) }))
            .groupBy("state").groupBy(failedBefore).all()
        var waiting = 0, count = 0, retrying = 0
        for row in rows {
            let state = try row.decode(column: "state", as: String.self), n = try row.decode(column: "n", as: Int.self)
            let failed = try row.decode(column: "failed", as: Int.self) == 1
            switch QueuedMail.State(rawValue: state) {
            case .pending?, .sending?:
                waiting += n
                if state == QueuedMail.State.pending.rawValue, failed { retrying += n }
            case .undeliverable?: count += n
            default: break
            }
        }
        let recent = count == 0 ? [] : try await MailOutboxModel.query(on: database).filter(\.$state == QueuedMail.State.undeliverable.rawValue)
            .sort(\.$createdAt, .descending).limit(20).all().map { try $0.toDomain() }
        let recentRetrying = retrying == 0 ? [] : try await MailOutboxModel.query(on: database).filter(\.$state == QueuedMail.State.pending.rawValue)
            .filter(\.$attempts > 0).sort(\.$nextAttemptAt, .descending).limit(20).all().map { try $0.toDomain() }
        return OutboxSummary(waiting: waiting, undeliverable: count, recentUndeliverable: recent, retrying: retrying, recentRetrying: recentRetrying)
    }

    func find(_ id: QueuedMail.ID) async throws -> QueuedMail? {
        try await MailOutboxModel.find(id.rawValue, on: database)?.toDomain()
    }

    func requeue(_ id: QueuedMail.ID, by actor: Actor, at now: Date) async throws -> Bool {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await MailOutboxModel.find(id.rawValue, on: tx), model.state == QueuedMail.State.undeliverable.rawValue else {
                return (false, [])
            }
            model.state = QueuedMail.State.pending.rawValue
            model.attempts = 0
            model.nextAttemptAt = now
            model.claimedAt = nil
            try await model.update(on: tx)
            let to = (try? model.toDomain().to.joined(separator: ", ")) ?? ""
            return (true, [AuditEntry(occurredAt: now, actor: actor, entityType: "mail", entityID: id.description, action: "requeue",
                                      summary: "undeliverable mail “\(model.subject)” to \(to) queued again (it failed: \(model.lastError ?? "unknown"))")])
        }
    }

    func deleteSent(before: Date) async throws -> Int {
        let query = MailOutboxModel.query(on: database).filter(\.$state == QueuedMail.State.sent.rawValue).filter(\.$sentAt < before)
        let count = try await query.copy().count()
        if count > 0 { try await AuditedWrite.serialized(on: database) { try await query.delete() } }
        return count
    }
}
