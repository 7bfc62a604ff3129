import Foundation
import Logging

/// Sends one plain-text message. The web app's `Mailer` (file outbox or SMTP) is the real one.
public protocol MailSending: Sendable {
    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws
}
