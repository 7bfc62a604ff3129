import Domain
import FluentKit
import Foundation

struct FluentReminderLog: ReminderLog {
    let database: any Database

    func sentKeys() async throws -> Set<String> {
        Set(try await ReminderSentModel.query(on: database).all().map(\.key))
    }

    func record(_ reminder: Reminder, at now: Date, mail: QueuedMail) async throws -> Bool {
        // Inside the audited transaction every instance queues on the chain head, so the check
        // below and the insert cannot interleave; the unique key is the second line of defence.
        try await AuditedWrite.run(on: database) { tx in
            let tightest = Reminders.key(reminder.subject, threshold: reminder.threshold)
            if try await ReminderSentModel.query(on: tx).filter(\.$key == tightest).count() > 0 { return (false, []) }
            for key in reminder.keys where try await ReminderSentModel.query(on: tx).filter(\.$key == key).count() == 0 {
                let model = ReminderSentModel()
                model.id = UUID()
                model.key = key
                model.sentAt = now
                try await model.create(on: tx)
            }
            try await MailOutboxModel(mail).create(on: tx)
            let s = reminder.subject
            let entry = AuditEntry(occurredAt: now, actor: .system, entityType: "reminder", entityID: s.subjectID, action: "remind",
                                   summary: "\(s.kind.label): \(s.title) on \(s.day) (\(reminder.daysLeft) days) — told \(s.recipients.joined(separator: ", "))")
            return (true, [entry])
        }
    }
}
