import Domain
import Operations
import Vapor

/// The outbox, for admins: what could not be delivered, and sending it again.
struct MailController: Sendable {
    /// From the dashboard's "Mail that could not be delivered" panel.
    func requeue(req: Request) async throws -> Response {
        let mail = try await req.record("mailID", "message", req.store.outbox.find)
        let queued = try await req.operations.mail.requeue(mail.id, by: req.requireUser())
        let flash = queued ? "“\(mail.subject)” to \(mail.to.joined(separator: ", ")) is queued again." : "“\(mail.subject)” was not undeliverable any more; nothing changed."
        return req.redirect(to: .home, flash: flash)
    }

    func apiSummary(req: Request) async throws -> Response {
        let summary = try await req.operations.mail.summary()
        return try ReviewJSON.object(["waiting": summary.waiting, "undeliverable": summary.undeliverable,
                                      "recentUndeliverable": summary.recentUndeliverable.map(Self.json),
                                      "retrying": summary.retrying, "recentRetrying": summary.recentRetrying.map(Self.json)]).json(req)
    }

    func apiRequeue(req: Request) async throws -> Response {
        let mail = try await req.record("mailID", "message", req.store.outbox.find)
        guard try await req.operations.mail.requeue(mail.id, by: req.requireUser()) else {
            throw Abort(.conflict, reason: "This message is \(mail.state.rawValue), not undeliverable; only undeliverable mail is queued again.")
        }
        return try Self.json(try await req.store.outbox.find(mail.id) ?? mail).json(req)
    }

    /// A message without its body (it may carry a code or an answer link).
    static func json(_ mail: QueuedMail) -> NullableJSON<JSONKey> {
        ReviewJSON.object(["id": mail.id.description, "to": mail.to, "subject": mail.subject, "state": mail.state.rawValue, "attempts": mail.attempts,
                           "lastError": mail.lastError, "createdAt": Format.iso(mail.createdAt), "nextAttemptAt": Format.iso(mail.nextAttemptAt)])
    }
}
