import Domain
import Foundation

/// Dated obligations — contract ends, re-reviews, key re-reviews and expiry, review expiry — shown on
/// the dashboard and mailed once per threshold. `serve` runs `send()` on a timer; `reminders` from cron.
public struct ReminderDispatch: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    /// Everything with a date, whether due or not.
    public func subjects() async throws -> [ReminderSubject] {
        let store = environment.store
        let users = try await store.users.list().filter(\.isActive)
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
        // A few queries whatever the number of integrations: released keys, decided reviews, and only the integrations they name or that have a re-review date.
        let releases = try await store.releases.all(in: [.released, .off])
        let decided = try await store.reviews.allDecided()
        var integrations: [Integration.ID: Integration] = [:]
        for integration in try await store.integrations.reminderCandidates(ids: Set(releases.map(\.integrationID) + decided.map(\.integrationID)))
        where integration.status != .retired {
            integrations[integration.id] = integration
        }
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
        return subjects
    }

    /// Sends every reminder due today; returns how many went out from this instance. Each is recorded
    /// under a unique key before it is delivered, so several instances never send one twice.
    @discardableResult
    public func send() async throws -> Int {
        let now = environment.now()
        let store = environment.store
        let due = Reminders.due(try await subjects(), today: CalendarDay.of(now), thresholds: environment.policy.reminderDays,
                                alreadySent: try await store.reminders.sentKeys())
        var sent = 0
        let (mailer, link, logger) = (environment.mailer, environment.links.gateFix, environment.logger)
        for reminder in due where !reminder.subject.recipients.isEmpty {
            let s = reminder.subject
            let delivered = try await store.reminders.record(reminder, at: now) {
                try await mailer.send(
                    to: s.recipients, subject: "\(s.kind.label) in \(reminder.daysLeft) days: \(s.title)",
                    body: """
                    \(s.kind.label): \(s.title) on \(s.day), \(reminder.daysLeft) days from today.

                    \(link(s.link))
                    """,
                    logger: logger)
            }
            if delivered { sent += 1 }
        }
        return sent
    }
}
