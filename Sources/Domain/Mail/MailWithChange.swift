import Foundation

/// Mail that belongs to a change: whoever runs the change's audited transaction stores these messages
/// in that same transaction, so a change is never committed without its mail, nor mail queued for a
/// change that rolled back.
///
/// An operation composes the messages first and runs the change inside `MailWithChange.$current`; the
/// first audited write in that scope claims them. A write that fails gives them back, so a later write
/// in the scope (or the operation itself, if none wrote) can still store them.
public final class MailWithChange: @unchecked Sendable {
    @TaskLocal public static var current: MailWithChange?

    // Guarded by `lock`: claimed and given back from whichever task runs the transaction.
    private let lock = NSLock()
    private var waiting: [QueuedMail]
    private var claimed = false
    private var committed = false

    public init(_ mail: [QueuedMail]) { waiting = mail }

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
