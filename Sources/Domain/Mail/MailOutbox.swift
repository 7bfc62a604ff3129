import Crypto
import Foundation

/// A message waiting in the outbox, or what is left of it once delivered. The body is sealed with a key
/// derived from the institution's (it can carry a confirmation code or an answer link) and wiped once
/// the message has gone; recipients and subject stay, for the dashboard.
public struct QueuedMail: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<QueuedMail>

    public enum State: String, Sendable, CaseIterable {
        case pending, sending, sent, undeliverable
    }

    public let id: ID
    public let to: [String]
    public let subject: String
    public let sealedBody: Data
    public let createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var sentAt: Date?

    public init(id: ID, to: [String], subject: String, sealedBody: Data, createdAt: Date, state: State = .pending, attempts: Int = 0,
                nextAttemptAt: Date? = nil, lastError: String? = nil, sentAt: Date? = nil) {
        self.id = id
        self.to = to
        self.subject = subject
        self.sealedBody = sealedBody
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastError = lastError
        self.sentAt = sentAt
    }
}

/// How the outbox retries: a failed delivery waits 1, 2, 4, 8 and 16 minutes (at most an hour), and a
/// message that failed `maxAttempts` times, or whose delivery was cut off midway, is undeliverable.
public enum MailRetry {
    public static let maxAttempts = 6
    /// How long one delivery may take before another instance may call it interrupted.
    public static let lease: TimeInterval = 10 * 60
    /// The longest error text kept.
    public static let maxErrorLength = 500

    /// When to try again after `attempts` failed deliveries, or nil when the message is undeliverable.
    public static func nextAttempt(after attempts: Int, at now: Date) -> Date? {
        guard attempts < maxAttempts else { return nil }
        let minutes = min(60, 1 << max(0, min(attempts - 1, 10)))
        return now.addingTimeInterval(TimeInterval(minutes * 60))
    }

    /// What is kept of a delivery error: one line, bounded.
    public static func trimmed(_ error: String) -> String {
        let line = error.map { $0.isNewline ? " " : $0 }
        return String(String(line).prefix(maxErrorLength))
    }

    /// The text an interrupted delivery leaves: it may have gone out, so it is never sent again on its own.
    public static let interrupted = "delivery was interrupted (the instance stopped while sending); it may or may not have arrived, so it is not sent again on its own"
}

/// Seals and opens outbox bodies (ChaCha20-Poly1305; the message id is bound in as associated data, so a
/// body cannot be moved onto another message).
public struct MailSeal: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public init(institutionKey: InstitutionKey) { self.init(key: institutionKey.derivedKey(purpose: "vendor-review mail outbox v1")) }

    public func seal(_ body: String, id: QueuedMail.ID) throws -> Data {
        try ChaChaPoly.seal(Data(body.utf8), using: key, authenticating: Data(id.description.utf8)).combined
    }

    public func open(_ sealed: Data, id: QueuedMail.ID) throws -> String {
        let box = try ChaChaPoly.SealedBox(combined: sealed)
        return String(decoding: try ChaChaPoly.open(box, using: key, authenticating: Data(id.description.utf8)), as: UTF8.self)
    }
}

/// What the dashboard shows of the outbox.
public struct OutboxSummary: Sendable, Equatable {
    public let waiting: Int
    public let undeliverable: Int
    /// The newest undeliverable messages (at most 20).
    public let recentUndeliverable: [QueuedMail]
    /// Pending messages that failed at least once and wait for their next attempt.
    public let retrying: Int
    /// The most recently failed of those (at most 20), so a broken mail server shows before mail is given up.
    public let recentRetrying: [QueuedMail]

    public init(waiting: Int, undeliverable: Int, recentUndeliverable: [QueuedMail], retrying: Int = 0, recentRetrying: [QueuedMail] = []) {
        self.waiting = waiting
        self.undeliverable = undeliverable
        self.recentUndeliverable = recentUndeliverable
        self.retrying = retrying
        self.recentRetrying = recentRetrying
    }
}

/// The transactional outbox. A message is stored by the change that causes it (`ReminderLog.record`
/// stores its message in the reminder's own transaction); a worker claims due messages, delivers them
/// outside any transaction and marks them.
public protocol MailOutboxRepository: Sendable {
    func enqueue(_ mail: QueuedMail) async throws
    /// Marks at most `limit` due pending messages as being sent by the caller, atomically, so two
    /// instances never claim the same one; returns them.
    func claim(now: Date, limit: Int) async throws -> [QueuedMail]
    /// Delivered: the body is wiped.
    func markSent(_ id: QueuedMail.ID, at now: Date) async throws
    /// Failed: pending again at `retryAt`, or undeliverable when that is nil.
    func markFailed(_ id: QueuedMail.ID, attempts: Int, error: String, retryAt: Date?) async throws
    /// Messages claimed before `claimedBefore` and never marked: undeliverable (they may have gone out).
    func abandonInterrupted(claimedBefore: Date) async throws -> Int
    func summary() async throws -> OutboxSummary
    func find(_ id: QueuedMail.ID) async throws -> QueuedMail?
    /// An undeliverable message pending again with its attempts reset, audited; false if it was not undeliverable.
    func requeue(_ id: QueuedMail.ID, by actor: Actor, at now: Date) async throws -> Bool
    /// Sent messages older than `before` are forgotten; returns how many.
    func deleteSent(before: Date) async throws -> Int
}
