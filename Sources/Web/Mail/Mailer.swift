import Domain
import Foundation
import Logging
import Operations

/// Delivers a rendered message. The file outbox is the default; SMTP when `SMTP_URL` is set.
protocol MailTransport: Sendable {
    /// A readable description for logs and the start-up line ("outbox var/outbox/", "smtp://mail:587").
    var description: String { get }
    func deliver(_ message: MailMessage, rendered: String, id: String) async throws
}

struct MailDeliveryError: Error, CustomStringConvertible {
    let description: String
}

/// Sends the app's messages: fills in the sender, a message id and the date, then hands them to
/// the transport. Logs recipients and subjects, never bodies (they can carry answer links).
struct Mailer: MailSending {
    let from: String
    let transport: any MailTransport
    let now: @Sendable () -> Date

    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws {
        let message = MailMessage(from: from, to: recipients, subject: subject, body: body)
        let id = UUID().uuidString.lowercased()
        let domain = MailMessage.address(from).split(separator: "@").last.map(String.init) ?? "vendorreview.invalid"
        let rendered = message.rendered(messageID: "\(id)@\(domain)", date: now())
        do {
            try await transport.deliver(message, rendered: rendered, id: id)
            logger.info("mail sent", metadata: ["to": .string(recipients.joined(separator: ",")), "subject": .string(subject),
                                                "transport": .string(transport.description)])
        } catch {
            logger.error("mail failed", metadata: ["to": .string(recipients.joined(separator: ",")), "subject": .string(subject),
                                                   "transport": .string(transport.description), "error": .string(String(describing: error))])
            throw error
        }
    }
}

/// Writes each message as an .eml file, so nothing is lost on a machine without mail.
struct FileOutbox: MailTransport {
    let directory: String
    let now: @Sendable () -> Date

    var description: String { "outbox \(directory)" }

    func deliver(_ message: MailMessage, rendered: String, id: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let name = "\(formatter.string(from: now()))-\(id).eml"
        // Written to a temporary name, then renamed: readers never see half a message.
        let temporary = directory + "." + name + ".tmp"
        try Data(rendered.utf8).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.moveItem(atPath: temporary, toPath: directory + name)
    }
}

extension Mailer {
    /// The name the app gives itself in EHLO: its public host.
    static func clientName(_ publicURL: String) -> String {
        URLComponents(string: publicURL)?.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
    }
}
