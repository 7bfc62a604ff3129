import Domain
import Foundation
import Logging

/// The app's mailer: each message is stored in the outbox (its body sealed) and the worker is woken.
/// Nothing here talks to a mail server, so no request or transaction waits on one.
public struct OutboxMailer: MailSending {
    let stores: @Sendable () -> Store
    let seal: MailSeal
    let ids: IdentifierGenerator
    let now: @Sendable () -> Date
    let signal: WakeSignal

    public init(stores: @escaping @Sendable () -> Store, seal: MailSeal, ids: IdentifierGenerator, now: @escaping @Sendable () -> Date, signal: WakeSignal) {
        self.stores = stores
        self.seal = seal
        self.ids = ids
        self.now = now
        self.signal = signal
    }

    public func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws {
        let mail = try Self.queued(to: recipients, subject: subject, body: body, id: ids(), at: now(), seal: seal)
        try await stores().outbox.enqueue(mail)
        Self.logQueued(mail, logger: logger)
        signal.wake()
    }

    public func wake() { signal.wake() }

    /// The log line for a stored message: who, what and its id, never the body.
    static func logQueued(_ mail: QueuedMail, logger: Logger) {
        logger.info("mail queued", metadata: ["to": .string(mail.to.joined(separator: ",")), "subject": .string(mail.subject), "mail": .string(mail.id.description)])
    }

    /// A message as the outbox stores it.
    public static func queued(to recipients: [String], subject: String, body: String, id: QueuedMail.ID, at now: Date, seal: MailSeal) throws -> QueuedMail {
        QueuedMail(id: id, to: recipients, subject: subject, sealedBody: try seal.seal(body, id: id), createdAt: now)
    }
}

/// Delivers what the outbox holds: claims due messages (never one another instance claimed), hands each
/// to the transport outside any transaction, and marks it sent (its body wiped), pending again after a
/// back-off, or undeliverable. A delivery cut off midway is never repeated: it may have arrived.
public struct MailDelivery: Sendable {
    public struct Round: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var undeliverable = 0

        public init(sent: Int = 0, retrying: Int = 0, undeliverable: Int = 0) {
            self.sent = sent
            self.retrying = retrying
            self.undeliverable = undeliverable
        }
    }

    let environment: OperationEnvironment
    let transport: any MailSending

    init(_ environment: OperationEnvironment, transport: any MailSending) {
        self.environment = environment
        self.transport = transport
    }

    /// Delivers every message due now, at most `limit`.
    @discardableResult
    public func deliverDue(limit: Int = 200) async throws -> Round {
        let store = environment.store
        let seal = environment.mailSeal
        let logger = environment.logger
        var round = Round()
        let interrupted = try await store.outbox.abandonInterrupted(claimedBefore: environment.now().addingTimeInterval(-MailRetry.lease))
        if interrupted > 0 { logger.error("mail deliveries interrupted; marked undeliverable", metadata: ["count": .string(String(interrupted))]) }
        round.undeliverable += interrupted
        var handled = 0
        while handled < limit {
            let claimed = try await store.outbox.claim(now: environment.now(), limit: min(20, limit - handled))
            if claimed.isEmpty { break }
            handled += claimed.count
            for mail in claimed {
                let attempts = mail.attempts + 1
                do {
                    let body: String
                    do { body = try seal.open(mail.sealedBody, id: mail.id) } catch {
                        try await store.outbox.markFailed(mail.id, attempts: attempts, error: "the message cannot be opened with this institution key", retryAt: nil)
                        round.undeliverable += 1
                        continue
                    }
                    try await transport.send(to: mail.to, subject: mail.subject, body: body, logger: logger)
                    try await store.outbox.markSent(mail.id, at: environment.now())
                    round.sent += 1
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    let retryAt = MailRetry.nextAttempt(after: attempts, at: environment.now())
                    try await store.outbox.markFailed(mail.id, attempts: attempts, error: String(describing: error), retryAt: retryAt)
                    if retryAt == nil {
                        round.undeliverable += 1
                        logger.error("mail undeliverable", metadata: ["mail": .string(mail.id.description), "subject": .string(mail.subject), "attempts": .string(String(attempts))])
                    } else {
                        round.retrying += 1
                    }
                }
            }
        }
        return round
    }

    /// Delivers until cancelled: at once when woken, otherwise every `pollSeconds` (for other instances'
    /// messages and retries); sent messages older than 30 days are forgotten once a day.
    public func run(pollSeconds: Double, signal: WakeSignal) async {
        var lastSweep = Date.distantPast
        while !Task.isCancelled {
            do {
                try await deliverDue()
                let now = environment.now()
                if now.timeIntervalSince(lastSweep) > 86_400 {
                    lastSweep = now
                    let forgotten = try await environment.store.outbox.deleteSent(before: now.addingTimeInterval(-30 * 86_400))
                    if forgotten > 0 { environment.logger.info("sent mail forgotten", metadata: ["count": .string(String(forgotten))]) }
                }
            } catch is CancellationError {
                return
            } catch {
                environment.logger.error("mail delivery failed", metadata: ["error": .string(String(describing: error))])
            }
            await signal.wait(seconds: pollSeconds)
        }
    }

    public func summary() async throws -> OutboxSummary { try await environment.store.outbox.summary() }

    /// An admin sends an undeliverable message again; false when it is not undeliverable (already queued again, or gone).
    public func requeue(_ id: QueuedMail.ID, by user: User) async throws -> Bool {
        let done = try await environment.store.outbox.requeue(id, by: Actor(user: user), at: environment.now())
        if done { environment.mailer.wake() }
        return done
    }
}

extension OperationEnvironment {
    /// A message as the outbox stores it, its body sealed.
    func compose(to recipients: [String], subject: String, body: String) throws -> QueuedMail {
        try OutboxMailer.queued(to: recipients, subject: subject, body: body, id: ids(), at: now(), seal: mailSeal)
    }

    /// Runs `change` with `mail` stored in the change's own audited transaction, so the two commit or
    /// roll back together; the worker is woken after. Should the change write nothing audited, the mail
    /// is queued once it returns, unless `onlyWithAWrite` says it belongs to a write that did not happen.
    /// `onlyWith` ties the mail to the write recording that audit event.
    @discardableResult
    func change<T>(with mail: [QueuedMail], onlyWithAWrite: Bool = false, onlyWith event: (entityType: String, action: String)? = nil,
                   _ change: () async throws -> T) async throws -> T {
        guard !mail.isEmpty else { return try await change() }
        let carrier = MailWithChange(mail, onlyWith: event)
        let result = try await MailWithChange.$current.withValue(carrier) { try await change() }
        if !carrier.isStored {
            if onlyWithAWrite { return result }
            for message in mail { try await store.outbox.enqueue(message) }
        }
        for message in mail { OutboxMailer.logQueued(message, logger: logger) }
        mailer.wake()
        return result
    }
}
