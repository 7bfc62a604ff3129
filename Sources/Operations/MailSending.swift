import Foundation
import Logging

/// Takes one plain-text message. In the app this is the outbox (`OutboxMailer`), which stores it; the
/// transport the worker hands it to (the file outbox or SMTP) is one too.
public protocol MailSending: Sendable {
    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws
    /// Tells a delivery worker that mail is waiting (the outbox wakes it; a transport ignores this).
    func wake()
}

extension MailSending {
    public func wake() {}
}
