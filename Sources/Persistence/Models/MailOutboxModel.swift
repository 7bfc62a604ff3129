import Domain
import FluentKit
import Foundation

/// One outbox message (`mail_outbox`). Recipients are a JSON array; the body is sealed.
final class MailOutboxModel: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "recipients") var recipients: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: Data
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "state") var state: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $recipients, $subject, $body, $createdAt, $state, $attempts, $nextAttemptAt, $claimedAt, $lastError, $sentAt]
    }

    init() {}

    init(_ mail: QueuedMail) throws {
        id = mail.id.rawValue
        recipients = String(decoding: try JSONEncoder().encode(mail.to), as: UTF8.self)
        subject = mail.subject
        body = mail.sealedBody
        createdAt = mail.createdAt
        state = mail.state.rawValue
        attempts = mail.attempts
        nextAttemptAt = mail.nextAttemptAt
        lastError = mail.lastError
        sentAt = mail.sentAt
    }

    func toDomain() throws -> QueuedMail {
        guard let id, let state = QueuedMail.State(rawValue: state),
              let to = try? JSONDecoder().decode([String].self, from: Data(recipients.utf8)) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return QueuedMail(id: .init(id), to: to, subject: subject, sealedBody: body, createdAt: createdAt, state: state, attempts: attempts,
                          nextAttemptAt: nextAttemptAt, lastError: lastError, sentAt: sentAt)
    }
}
