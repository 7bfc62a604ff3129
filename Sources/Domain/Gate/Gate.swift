import Foundation

/// Where a person goes to fix a checklist item; the web layer turns it into a link.
public enum GateFix: Equatable, Sendable {
    case editVendor(Vendor.ID)
    case newContract(Vendor.ID)
    case contract(Contract.ID)
    case editIntegration(Integration.ID)
    case status(Integration.ID)
    case whitelist(Integration.ID)
    case questionnaire(Integration.ID, String)
    case reviews(Integration.ID)
    case review(Review.ID)
    case hecvat(Integration.ID)
}

public struct GateItem: Equatable, Sendable {
    public enum Status: String, Sendable {
        case met, unmet, warning

        public var label: String { rawValue.capitalized }
    }

    public let id: String
    public let title: String
    public let status: Status
    public let reason: String
    public let fix: GateFix?

    /// "Title: reason", as refusals and flags quote an item.
    public var sentence: String { "\(title): \(reason)" }

    public init(id: String, title: String, status: Status, reason: String, fix: GateFix?) {
        self.id = id
        self.title = title
        self.status = status
        self.reason = reason
        self.fix = fix
    }
}

/// A reviewer's acceptance of one whitelist version.
public struct WhitelistAcceptance: Equatable, Sendable {
    public let integrationID: Integration.ID
    public let version: Int
    public let acceptedBy: String
    public let acceptedByID: User.ID
    public let acceptedAt: Date

    public init(integrationID: Integration.ID, version: Int, acceptedBy: String, acceptedByID: User.ID, acceptedAt: Date) {
        self.integrationID = integrationID
        self.version = version
        self.acceptedBy = acceptedBy
        self.acceptedByID = acceptedByID
        self.acceptedAt = acceptedAt
    }
}

/// Everything the gate looks at for one integration, read at one moment.
public struct GateInput: Sendable {
    public let today: String
    public let vendor: Vendor
    public let contracts: [Contract]
    public let integration: Integration
    public let owner: User?
    public let whitelist: WhitelistVersion?
    public let acceptance: WhitelistAcceptance?
    public let questionnaires: [Questionnaire]
    public let answers: [Answer]
    public let reviews: [Review]
    public let findings: [Review.ID: [Finding]]
    /// The non-negotiable HECVAT questions the newest workbook does not meet; nil when no workbook was
    /// imported (a HECVAT is not required) or the policy names none.
    public let hecvatUnmet: [String]?

    public init(
        today: String, vendor: Vendor, contracts: [Contract], integration: Integration, owner: User?, whitelist: WhitelistVersion?,
        acceptance: WhitelistAcceptance?, questionnaires: [Questionnaire], answers: [Answer], reviews: [Review], findings: [Review.ID: [Finding]],
        hecvatUnmet: [String]? = nil
    ) {
        self.hecvatUnmet = hecvatUnmet
        self.today = today
        self.vendor = vendor
        self.contracts = contracts
        self.integration = integration
        self.owner = owner
        self.whitelist = whitelist
        self.acceptance = acceptance
        self.questionnaires = questionnaires
        self.answers = answers
        self.reviews = reviews
        self.findings = findings
    }
}

/// The issuance gate: no key is released until every item is met. Warnings do not block.
public struct Gate: Equatable, Sendable {
    public let items: [GateItem]

    public var isMet: Bool { items.allSatisfy { $0.status != .unmet } }
    public var unmet: [GateItem] { items.filter { $0.status == .unmet } }

    /// Refuses with every open item ("Title: reason" by item id) unless the gate is met.
    public func ensureMet() throws {
        guard isMet else {
            throw DomainError.gateUnmet(Dictionary(unmet.map { ($0.id, $0.sentence) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    public init(items: [GateItem]) { self.items = items }

    public static func evaluate(_ input: GateInput, policy: Policy) -> Gate {
        var items: [GateItem] = []
        let integration = input.integration
        let id = integration.id
        func add(_ key: String, _ title: String, _ status: GateItem.Status, _ reason: String, _ fix: GateFix?) {
            items.append(GateItem(id: key, title: title, status: status, reason: reason, fix: fix))
        }

        // The integration's own status: only an approved integration can have a key.
        let status = input.integration.status
        if IntegrationStatus.releasable.contains(status) {
            let who = input.integration.statusChange.map { " by \($0.by)" } ?? ""
            let conditions = status == .approvedWithConditions ? input.integration.statusChange?.note.map { " Conditions: \($0)" } ?? "" : ""
            add("status", "Integration approved", .met, "\(status.label)\(who).\(conditions)", .status(id))
        } else {
            let next = switch status {
            case .draft: "submit it for review, then a reviewer approves it"
            case .inReview: "a reviewer who is not its owner approves it"
            case .rejected: "it was rejected; re-open the review"
            case .suspended: "it is suspended; reinstate it first"
            default: "it is retired; a retired integration gets no key"
            }
            add("status", "Integration approved", .unmet, "It is \(status.label.lowercased()): \(next).", .status(id))
        }

        // The vendor and its contract.
        let standing = input.vendor.fields.standing
        add("vendor_standing", "Vendor in good standing", standing == .goodStanding ? .met : .unmet,
            standing == .goodStanding ? "\(input.vendor.fields.name) is in good standing." : "\(input.vendor.fields.name) is \(standing.label.lowercased()).",
            .editVendor(input.vendor.id))
        let inForce = input.contracts.filter { c in
            c.fields.status == .signed && (c.fields.startsOn.map { $0 <= input.today } ?? true) && (c.fields.endsOn.map { $0 >= input.today } ?? true)
        }
        let complete = inForce.filter { c in policy.requiredClauses.allSatisfy { c.fields.clause($0).present } }
        if let contract = complete.max(by: { ($0.fields.endsOn ?? "9999") < ($1.fields.endsOn ?? "9999") }) {
            if let ends = contract.fields.endsOn, ends <= CalendarDay.adding(days: policy.contractEndingWarningDays, to: input.today) {
                add("contract", "Signed contract in force", .warning, "“\(contract.fields.title)” ends on \(ends); renew it before then.", .contract(contract.id))
            } else {
                add("contract", "Signed contract in force", .met,
                    "“\(contract.fields.title)” is signed, in force\(contract.fields.endsOn.map { " until \($0)" } ?? ""), with the required clauses.",
                    .contract(contract.id))
            }
        } else if let contract = inForce.first {
            let missing = policy.requiredClauses.filter { !contract.fields.clause($0).present }.map(\.label)
            add("contract", "Signed contract in force", .unmet, "“\(contract.fields.title)” lacks: \(missing.joined(separator: "; ")).", .contract(contract.id))
        } else {
            add("contract", "Signed contract in force", .unmet,
                input.contracts.isEmpty ? "No contract is recorded with \(input.vendor.fields.name)." : "No contract with \(input.vendor.fields.name) is signed and in force today.",
                .newContract(input.vendor.id))
        }

        // The integration's own record.
        add("owner", "Purpose and internal owner", input.owner == nil ? .unmet : .met,
            input.owner.map { "Owned by \($0.name); purpose recorded." } ?? "No internal owner is set.", .editIntegration(id))
        let f = integration.fields
        let aiDeclared = !f.sendsDataToAI || (f.aiServices != nil && f.aiData != nil)
        add("classification", "Data classification and AI use", aiDeclared ? .met : .unmet,
            aiDeclared ? "\(f.classification.label); " + (f.sendsDataToAI ? "sends \(f.aiData ?? "") to \(f.aiServices ?? "")." : "no Canvas data goes to AI services.")
                : "It sends Canvas data to AI, but the services or the data are not named.", .editIntegration(id))

        // The whitelist.
        if let whitelist = input.whitelist, !whitelist.entries.isEmpty {
            let unjustified = whitelist.entries.filter { $0.justification.trimmingCharacters(in: .whitespaces).isEmpty }
            if !unjustified.isEmpty {
                add("whitelist", "Endpoint whitelist declared and accepted", .unmet, "\(unjustified.count) endpoint(s) have no justification.", .whitelist(id))
            } else if let acceptance = input.acceptance, acceptance.version == whitelist.number {
                add("whitelist", "Endpoint whitelist declared and accepted", .met,
                    "Version \(whitelist.number) (\(whitelist.entries.count) endpoints) accepted by \(acceptance.acceptedBy).", .whitelist(id))
            } else {
                add("whitelist", "Endpoint whitelist declared and accepted", .unmet,
                    "Version \(whitelist.number) has not been accepted by a reviewer" + (input.acceptance.map { " (version \($0.version) was)" } ?? "") + ".",
                    .whitelist(id))
            }
        } else {
            add("whitelist", "Endpoint whitelist declared and accepted", .unmet, "No endpoints are declared.", .whitelist(id))
        }

        // Questionnaires.
        let userFacing = policy.userFacingKinds.contains(f.kind)
        var questionnaireIDs = policy.requiredQuestionnaires
        if userFacing { questionnaireIDs.append(policy.accessibilityQuestionnaire) }
        for qid in questionnaireIDs {
            guard let questionnaire = input.questionnaires.first(where: { $0.id == qid }) else {
                add("questionnaire_\(qid)", "Questionnaire \(qid)", .unmet, "The questionnaire “\(qid)” named in the policy is not defined.", nil)
                continue
            }
            let mine = input.answers.filter { $0.questionnaireID == qid && $0.questionnaireVersion == questionnaire.version }
            let progress = QuestionnaireProgress(questionnaire, answers: AnswerSheet.values(mine, for: questionnaire))
            let unacceptable = mine.filter { $0.currentMark == .unacceptable }.map(\.questionID)
            let unclear = mine.filter { $0.currentMark == .needsClarification }.map(\.questionID)
            // A marked answer that changed blocks until a reviewer marks it again.
            let changed = mine.filter(\.markStale).map(\.questionID)
            // A critical deviation blocks until a reviewer accepts that answer; lesser ones warn.
            let accepted = Set(mine.filter { $0.currentMark == .accepted }.map(\.questionID))
            let critical = progress.deviations.filter { $0.severity <= policy.blockingDeviationSeverity && !accepted.contains($0.question.id) }
            let others = progress.deviations.filter { d in !critical.contains { $0.question.id == d.question.id } && !accepted.contains(d.question.id) }
            let title = "\(questionnaire.title)"
            if !progress.isComplete || !unacceptable.isEmpty || !changed.isEmpty || !critical.isEmpty {
                // Every reason it blocks, so an incomplete sheet does not hide an objection.
                let parts = (progress.isComplete ? [] : ["\(progress.answeredRequired) of \(progress.requiredCount) required answers given"])
                    + (unacceptable.isEmpty ? [] : ["marked unacceptable: \(unacceptable.joined(separator: ", "))"])
                    + (changed.isEmpty ? [] : ["changed since marked, to be marked again: \(changed.joined(separator: ", "))"])
                    + (critical.isEmpty ? [] : ["deviation from the expected answer not accepted by a reviewer: \(critical.map(\.question.id).joined(separator: ", "))"])
                let sentence = parts.joined(separator: "; ")
                add("questionnaire_\(qid)", title, .unmet, sentence.prefix(1).uppercased() + sentence.dropFirst() + ".", .questionnaire(id, qid))
            } else if !unclear.isEmpty || !others.isEmpty {
                let parts = (unclear.isEmpty ? [] : ["needs clarification: \(unclear.joined(separator: ", "))"])
                    + (others.isEmpty ? [] : ["differs from expected: \(others.map(\.question.id).joined(separator: ", "))"])
                add("questionnaire_\(qid)", title, .warning, "Complete; " + parts.joined(separator: "; ") + ".", .questionnaire(id, qid))
            } else {
                add("questionnaire_\(qid)", title, .met, "Complete.", .questionnaire(id, qid))
            }
        }

        // The institution's non-negotiable HECVAT questions, when a workbook was imported.
        if !policy.hecvat.nonNegotiable.isEmpty, let unmet = input.hecvatUnmet {
            if unmet.isEmpty {
                add("hecvat", "HECVAT non-negotiables", .met, "The newest HECVAT workbook meets every non-negotiable question.", .hecvat(id))
            } else {
                add("hecvat", "HECVAT non-negotiables", .unmet, "The newest HECVAT workbook does not meet: " + unmet.joined(separator: "; ") + ".", .hecvat(id))
            }
        }

        // Reviews: the newest decided review of each kind counts.
        func latestDecided(_ kind: ReviewKind) -> Review? {
            input.reviews.filter { $0.kind == kind && $0.isDecided }.max { $0.createdAt < $1.createdAt }
        }
        if userFacing {
            if let review = latestDecided(.accessibility), review.isCurrent(on: input.today) {
                add("accessibility_review", "Approved accessibility review", .met,
                    "\(review.decision!.decision.label) on \(review.decision!.decidedOn), valid until \(review.decision!.validUntil).", .review(review.id))
            } else {
                add("accessibility_review", "Approved accessibility review", .unmet, reviewReason(latestDecided(.accessibility), today: input.today, kind: .accessibility),
                    latestDecided(.accessibility).map { .review($0.id) } ?? .reviews(id))
            }
        }
        if let review = latestDecided(.security), review.isCurrent(on: input.today) {
            let ownerLabel = input.owner.map { Actor(user: $0).label }
            let blocking = (input.findings[review.id] ?? []).filter { finding in
                guard finding.severity <= .high else { return false }
                switch finding.status {
                case .open: return true
                case .remediated: return false
                case .riskAccepted: return finding.riskAcceptedBy == nil || finding.riskAcceptedBy == ownerLabel
                }
            }
            if blocking.isEmpty {
                add("security_review", "Approved security review", .met,
                    "\(review.decision!.decision.label) on \(review.decision!.decidedOn), valid until \(review.decision!.validUntil).", .review(review.id))
            } else {
                add("security_review", "Approved security review", .unmet,
                    "Critical or high findings not remediated (or their risk accepted by someone other than the owner): "
                        + blocking.map { "“\($0.title)”" }.joined(separator: ", ") + ".", .review(review.id))
            }
        } else {
            add("security_review", "Approved security review", .unmet, reviewReason(latestDecided(.security), today: input.today, kind: .security),
                latestDecided(.security).map { .review($0.id) } ?? .reviews(id))
        }
        return Gate(items: items)
    }

    static func reviewReason(_ review: Review?, today: String, kind: ReviewKind) -> String {
        guard let review, let decision = review.decision else { return "No \(kind.label.lowercased()) has been decided." }
        if decision.decision == .reject { return "The last \(kind.label.lowercased()) rejected it on \(decision.decidedOn)." }
        return "The last \(kind.label.lowercased()) expired on \(decision.validUntil)."
    }
}

extension CalendarDay {
    /// The day `days` later.
    public static func adding(days: Int, to day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              let end = calendar.date(byAdding: .day, value: days, to: start) else { return day }
        return of(end)
    }
}
