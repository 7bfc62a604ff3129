import Foundation

/// Mail that belongs to a change: whoever runs the change's audited transaction stores these messages
/// in that same transaction, so a change is never committed without its mail, nor mail queued for a
/// change that rolled back.
///
/// An operation composes the messages first and runs the change inside `MailWithChange.$current`; the
/// first audited write in that scope (recording the event `onlyWith` names, if it names one) stores
/// them. A write that fails or records another event gives them back, so a later write in the scope (or
/// the operation itself, if none wrote) can still store them.
public final class MailWithChange: @unchecked Sendable {
    @TaskLocal public static var current: MailWithChange?

    // Guarded by `lock`: claimed and given back from whichever task runs the transaction.
    private let lock = NSLock()
    private var waiting: [QueuedMail]
    private var claimed = false
    private var committed = false

    /// When set, the messages go only with a transaction that records this audit event (entity type
    /// and action): a release's notice rides on the write that releases, not on a refused code.
    public let onlyWith: (entityType: String, action: String)?

    public init(_ mail: [QueuedMail], onlyWith event: (entityType: String, action: String)? = nil) {
        waiting = mail
        onlyWith = event
    }

    /// Whether a transaction recording `entries` is the change these messages belong to.
    public func belongs(with entries: [AuditEntry]) -> Bool {
        guard let onlyWith else { return true }
        return entries.contains { $0.entityType == onlyWith.entityType && $0.action == onlyWith.action }
    }

    /// The messages to store in the transaction that is starting; empty when another one took them.
    public func claim() -> [QueuedMail] {
        lock.withLock {
            guard !claimed else { return [] }
            claimed = true
            return waiting
        }
    }

    /// The transaction that claimed them rolled back.
    public func giveBack() {
        lock.withLock { claimed = false }
    }

    /// The transaction that claimed them committed.
    public func markCommitted() {
        lock.withLock { committed = true }
    }

    /// Whether the messages are stored with a committed change.
    public var isStored: Bool { lock.withLock { committed } }
}
