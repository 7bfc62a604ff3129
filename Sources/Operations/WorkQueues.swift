import Domain
import Foundation

/// Each person's work queue: what needs them now, read in a fixed number of queries (plus one gate
/// evaluation per approved integration that has no key yet).
public struct WorkQueues: Sendable {
    private let environment: OperationEnvironment
    private let gates: Gates

    /// Findings are listed from this many days before they are due.
    public static let findingHorizonDays = 14
    /// Submitted vendor answers stay in the admins' queue this long.
    public static let submittedWindowDays = 14

    init(_ environment: OperationEnvironment, gates: Gates) {
        self.environment = environment
        self.gates = gates
    }

    /// `records` when the caller has read them already (the dashboard, for its reminders too).
    public func items(for user: User, from records: WorkRecords? = nil) async throws -> [QueueItem] {
        let store = environment.store
        let records = if let records { records } else { try await WorkRecords.read(from: store) }
        let now = environment.now()
        let today = CalendarDay.of(now)
        let role = user.role
        var items: [QueueItem] = []
        // The records the queues are made of are read first; then only the integrations they name and
        // the few that could be queued themselves (not every integration of the institution).
        let releases = records.releases.filter { $0.state == .released || $0.state == .pending }
        let open = records.openReviews, decided = records.decidedReviews
        let findings = records.findings
        let marks = QueueItem.Kind.whitelistToAccept.isFor(role) ? try await store.answers.awaitingMark() : []
        let links = role == .admin ? records.links : []
        let candidates = try await store.integrations.queueCandidates()
        let named = Set(releases.map(\.integrationID) + open.map(\.integrationID) + decided.map(\.integrationID) + marks.map(\.integrationID)
            + links.map(\.integrationID))
        // The named integrations the records hold already are not read again.
        let missing = named.subtracting(candidates.map(\.id)).filter { records.integrations[$0] == nil }
        var integrations = try await store.integrations.find(missing)
        for id in named { if let known = records.integrations[id] { integrations[id] = known } }
        for integration in candidates { integrations[integration.id] = integration }
        func name(_ id: Integration.ID) -> String { integrations[id]?.fields.name ?? "An integration" }
        func notOwned(_ id: Integration.ID) -> Bool { integrations[id]?.fields.ownerID != user.id }

        // Released keys: everyone.
        for release in releases where release.state == .released {
            let key = release.details?.canvasKeyID ?? ""
            if let lapse = release.gateLapse {
                items.append(QueueItem(kind: .gateLapsed, title: name(release.integrationID), detail: "Key \(key): \(lapse.reason)", today: today,
                                       target: .release(release.id)))
            }
            if release.scopeChanged {
                items.append(QueueItem(kind: .scopeChanged, title: name(release.integrationID),
                                       detail: "Key \(key): the whitelist changed after release.", today: today, target: .release(release.id)))
            }
        }

        // Reviews and findings.
        let horizon = CalendarDay.adding(days: Self.findingHorizonDays, to: today)
        for review in open + decided {
            for finding in findings[review.id] ?? [] where finding.status == .open {
                guard let due = finding.dueOn, due <= horizon else { continue }
                let assignee = finding.assigneeID ?? review.fields.reviewerID
                items.append(QueueItem(kind: .findingDue, title: name(review.integrationID),
                                       detail: "“\(finding.title)” (\(finding.severity.label.lowercased()))" + (assignee == user.id ? ", assigned to you" : ""),
                                       due: due, today: today, target: .review(review.id)))
            }
        }
        if QueueItem.Kind.reviewAssigned.isFor(role) {
            for review in open where review.fields.reviewerID == user.id {
                items.append(QueueItem(kind: .reviewAssigned, title: name(review.integrationID), detail: review.kind.label, due: review.fields.dueOn,
                                       today: today, target: .review(review.id)))
            }
        }

        if QueueItem.Kind.whitelistToAccept.isFor(role) {
            let accepted = try await store.integrations.acceptedWhitelistVersions()
            for integration in integrations.values where integration.whitelistVersion > 0 && integration.status != .retired && notOwned(integration.id) {
                let version = accepted[integration.id] ?? 0
                if version < integration.whitelistVersion {
                    items.append(QueueItem(kind: .whitelistToAccept, title: integration.fields.name,
                                           detail: "Version \(integration.whitelistVersion)" + (version > 0 ? " (version \(version) was accepted)" : ""),
                                           today: today, target: .whitelist(integration.id)))
                }
            }
            var waiting: [String: (Integration.ID, String, Int)] = [:]
            for answer in marks where integrations[answer.integrationID] != nil && notOwned(answer.integrationID) {
                let key = "\(answer.integrationID)|\(answer.questionnaireID)"
                waiting[key, default: (answer.integrationID, answer.questionnaireID, 0)].2 += 1
            }
            let titles = Dictionary(environment.questionnaires.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
            for (integrationID, questionnaireID, count) in waiting.values {
                items.append(QueueItem(kind: .answersToMark, title: name(integrationID),
                                       detail: "\(count) answer\(count == 1 ? "" : "s") in \(titles[questionnaireID] ?? questionnaireID)",
                                       today: today, target: .answers(integrationID, questionnaireID)))
            }
        }

        if role == .admin {
            for release in releases where release.state(at: now, policy: environment.policy) == .pending {
                items.append(QueueItem(kind: .releasePending, title: name(release.integrationID), detail: "Requested by \(release.requestedBy)",
                                       today: today, target: .release(release.id)))
            }
            let since = now.addingTimeInterval(-Double(Self.submittedWindowDays) * 86_400)
            let soon = now.addingTimeInterval(Double(environment.policy.linkReminderDays) * 86_400)
            for link in links {
                if let submitted = link.submittedAt, submitted >= since {
                    items.append(QueueItem(kind: .answersSubmitted, title: name(link.integrationID),
                                           detail: "\(link.contactName) <\(link.contactEmail)> submitted on \(CalendarDay.of(submitted))",
                                           today: today, target: .integration(link.integrationID)))
                } else if link.isUsable(at: now), link.expiresAt <= soon {
                    items.append(QueueItem(kind: .linkExpiring, title: name(link.integrationID),
                                           detail: "\(link.contactName)'s link expires \(CalendarDay.of(link.expiresAt))", due: CalendarDay.of(link.expiresAt),
                                           today: today, target: .integration(link.integrationID)))
                }
            }
            // Approved integrations with no key yet whose gate is now met.
            let keyed = Set(releases.map(\.integrationID))
            let unkeyed = candidates.filter { IntegrationStatus.releasable.contains($0.status) && !keyed.contains($0.id) }
            let met = try await gates.evaluateAll(unkeyed, users: records.users)
            for integration in unkeyed {
                if met[integration.id]?.isMet == true {
                    items.append(QueueItem(kind: .gateMet, title: integration.fields.name, detail: "Every gate item is met; a key may be released.",
                                           today: today, target: .integration(integration.id)))
                }
            }
        }
        return WorkQueue.sorted(items, for: role)
    }
}
