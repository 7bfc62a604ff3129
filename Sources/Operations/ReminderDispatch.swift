import Domain
import Foundation

/// Dated obligations — contract ends, re-reviews, key re-reviews and expiry, review expiry — shown on
/// the dashboard and mailed once per threshold. `serve` runs `send()` on a timer; `reminders` from cron.
public struct ReminderDispatch: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    /// Everything with a date, whether due or not; from `records` when the caller has read them already.
    public func subjects(from records: WorkRecords? = nil) async throws -> [ReminderSubject] {
        let store = environment.store
        let records = if let records { records } else { try await WorkRecords.read(from: store) }
        let users = records.users.filter(\.isActive)
        let admins = users.filter { $0.role == .admin }.map { "\($0.name) <\($0.email)>" }
        func owner(_ integration: Integration) -> [String] {
            guard let id = integration.fields.ownerID, let user = users.first(where: { $0.id == id }) else { return admins }
            return ["\(user.name) <\(user.email)>"]
        }
        var subjects: [ReminderSubject] = []
        let contracts = try await store.contracts.all(ContractQuery(status: .signed))
        let vendorNames = try await store.vendors.names(Set(contracts.map(\.vendorID)))
        for contract in contracts {
            guard let ends = contract.fields.endsOn else { continue }
            subjects.append(ReminderSubject(kind: .contractEnds, subjectID: contract.id.description,
                                            title: "“\(contract.fields.title)” with \(vendorNames[contract.vendorID] ?? "a vendor")", day: ends,
                                            recipients: admins, link: .contract(contract.id)))
        }
        // A few queries whatever the number of integrations (`WorkRecords`): released keys, decided reviews, and only
        // the integrations they name or that have a re-review date.
        let releases = records.releases.filter { $0.state == .released || $0.state == .off }
        let decided = records.decidedReviews
        let integrations = records.integrations.filter { $0.value.status != .retired }
        for integration in integrations.values.sorted(by: { $0.fields.name < $1.fields.name }) {
            if let day = integration.fields.nextReviewOn {
                subjects.append(ReminderSubject(kind: .integrationReview, subjectID: integration.id.description, title: integration.fields.name, day: day,
                                                recipients: owner(integration), link: .editIntegration(integration.id)))
            }
        }
        for release in releases {
            guard let integration = integrations[release.integrationID], let details = release.details else { continue }
            subjects.append(ReminderSubject(kind: .keyRereview, subjectID: release.id.description, title: "\(integration.fields.name) key \(details.canvasKeyID)",
                                            day: details.rereviewOn, recipients: owner(integration), link: .editIntegration(integration.id)))
            if let expires = details.expiresOn {
                subjects.append(ReminderSubject(kind: .keyExpires, subjectID: release.id.description, title: "\(integration.fields.name) key \(details.canvasKeyID)",
                                                day: expires, recipients: owner(integration), link: .editIntegration(integration.id)))
            }
        }
        // Only the newest decided review of each kind per integration matters.
        var newest: [String: Review] = [:]
        for review in decided {
            let key = "\(review.integrationID)|\(review.kind.rawValue)"
            if let existing = newest[key], existing.createdAt >= review.createdAt { continue }
            newest[key] = review
        }
        for review in newest.values.sorted(by: { $0.createdAt < $1.createdAt }) {
            guard let integration = integrations[review.integrationID], let decision = review.decision, decision.decision != .reject else { continue }
            subjects.append(ReminderSubject(kind: .reviewExpires, subjectID: review.id.description, title: "\(integration.fields.name) \(review.kind.label.lowercased())",
                                            day: decision.validUntil, recipients: owner(integration), link: .review(review.id)))
        }
        subjects += assignedWork(records, users: users, admins: admins)
        return subjects
    }

    /// Open reviews and findings with a due date (told to the person assigned, daily once overdue),
    /// and vendors' answer links about to expire (told to the vendor contact).
    private func assignedWork(_ records: WorkRecords, users: [User], admins: [String]) -> [ReminderSubject] {
        let now = environment.now()
        func mailbox(_ id: User.ID) -> [String] { users.first { $0.id == id }.map { ["\($0.name) <\($0.email)>"] } ?? admins }
        var subjects: [ReminderSubject] = []
        let open = records.openReviews, decided = records.decidedReviews
        let names = records.integrations.mapValues(\.fields.name)
        for review in open {
            guard let due = review.fields.dueOn else { continue }
            subjects.append(ReminderSubject(kind: .reviewDue, subjectID: review.id.description,
                                            title: "\(names[review.integrationID] ?? "integration") \(review.kind.label.lowercased())", day: due,
                                            recipients: mailbox(review.fields.reviewerID), link: .review(review.id), dailyWhenOverdue: true))
        }
        let findings = records.findings
        for review in open + decided {
            for finding in findings[review.id] ?? [] where finding.status == .open {
                guard let due = finding.dueOn else { continue }
                subjects.append(ReminderSubject(kind: .findingDue, subjectID: finding.id.description,
                                                title: "“\(finding.title)” on \(names[review.integrationID] ?? "an integration")", day: due,
                                                recipients: mailbox(finding.assigneeID ?? review.fields.reviewerID), link: .review(review.id),
                                                dailyWhenOverdue: true))
            }
        }
        for link in records.links where link.isUsable(at: now) && link.submittedAt == nil {
            subjects.append(ReminderSubject(kind: .linkExpires, subjectID: link.id.description, title: "your answer link (\(link.hint))",
                                            day: CalendarDay.of(link.expiresAt), recipients: ["\(link.contactName) <\(link.contactEmail)>"], link: nil,
                                            thresholds: [environment.policy.linkReminderDays]))
        }
        return subjects
    }

    /// The subject and text of one reminder. A vendor is never sent a staff page.
    static func message(_ reminder: Reminder, link: (GateFix?) -> String) -> (String, String) {
        let s = reminder.subject
        if s.kind == .linkExpires {
            return ("Your VendorReview answer link expires on \(s.day)",
                    """
                    The link you were sent to answer our review questionnaires expires on \(s.day), in \(reminder.daysLeft) days.
                    Please finish and submit your answers before then, using the link from the earlier message. If it has \
                    expired, ask your contact at the institution for a new one.
                    """)
        }
        if reminder.daysLeft < 0 {
            return ("Overdue by \(-reminder.daysLeft) days: \(s.kind.label.lowercased()) — \(s.title)",
                    """
                    \(s.kind.label): \(s.title) was due on \(s.day), \(-reminder.daysLeft) days ago. You are told once a day until it is done.

                    \(link(s.link))
                    """)
        }
        return ("\(s.kind.label) in \(reminder.daysLeft) days: \(s.title)",
                """
                \(s.kind.label): \(s.title) on \(s.day), \(reminder.daysLeft) days from today.

                \(link(s.link))
                """)
    }

    /// Queues every reminder due today; returns how many this instance queued. Each is recorded under a
    /// unique key together with its message, so several instances never queue one twice.
    @discardableResult
    public func send() async throws -> Int {
        let now = environment.now()
        let store = environment.store
        let due = Reminders.due(try await subjects(), today: CalendarDay.of(now), thresholds: environment.policy.reminderDays,
                                alreadySent: try await store.reminders.sentKeys())
        var sent = 0
        for reminder in due where !reminder.subject.recipients.isEmpty {
            let (subject, body) = Self.message(reminder, link: environment.links.gateFix)
            let mail = try environment.compose(to: reminder.subject.recipients, subject: subject, body: body)
            // The reminder and its message are stored together; the worker sends it after the commit.
            if try await store.reminders.record(reminder, at: now, mail: mail) { sent += 1 }
        }
        if sent > 0 { environment.mailer.wake() }
        return sent
    }
}
