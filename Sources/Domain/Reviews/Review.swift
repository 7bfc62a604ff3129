import Foundation

public enum ReviewKind: String, CaseIterable, Codable, Sendable {
    case security, accessibility

    public var label: String { self == .security ? "Security review" : "Accessibility review" }
}

public enum ReviewDecision: String, CaseIterable, Codable, Sendable {
    case approve
    case approveWithConditions = "approve_with_conditions"
    case reject

    public var label: String {
        switch self {
        case .approve: "Approved"
        case .approveWithConditions: "Approved with conditions"
        case .reject: "Rejected"
        }
    }
}

public enum FindingSeverity: String, CaseIterable, Codable, Sendable, Comparable {
    case critical, high, medium, low

    public var label: String { rawValue.capitalized }

    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum FindingStatus: String, CaseIterable, Codable, Sendable {
    case open, remediated
    case riskAccepted = "risk_accepted"

    public var label: String {
        switch self {
        case .open: "Open"
        case .remediated: "Remediated"
        case .riskAccepted: "Risk accepted"
        }
    }
}

/// The areas of an Accessibility Conformance Report (VPAT 2.5: WCAG principles, then Section 508).
public enum ACRArea: String, CaseIterable, Codable, Sendable {
    case perceivable, operable, understandable, robust
    case functionalPerformance = "functional_performance"
    case software
    case documentation

    public var label: String {
        switch self {
        case .perceivable: "WCAG 2.1 Perceivable (1.x)"
        case .operable: "WCAG 2.1 Operable (2.x)"
        case .understandable: "WCAG 2.1 Understandable (3.x)"
        case .robust: "WCAG 2.1 Robust (4.x)"
        case .functionalPerformance: "Functional performance criteria (508 chapter 3)"
        case .software: "Software (508 chapter 5)"
        case .documentation: "Support documentation and services (508 chapter 6)"
        }
    }
}

/// The conformance levels an ACR uses.
public enum ACROutcome: String, CaseIterable, Codable, Sendable {
    case supports
    case partiallySupports = "partially_supports"
    case doesNotSupport = "does_not_support"
    case notApplicable = "not_applicable"

    public var label: String {
        switch self {
        case .supports: "Supports"
        case .partiallySupports: "Partially supports"
        case .doesNotSupport: "Does not support"
        case .notApplicable: "Not applicable"
        }
    }

    public var isGap: Bool { self == .partiallySupports || self == .doesNotSupport }
}

public struct Finding: Equatable, Sendable {
    public typealias ID = Identifier<Finding>

    public let id: ID
    public let reviewID: Review.ID
    public var title: String
    public var description: String
    public var severity: FindingSeverity
    public var status: FindingStatus
    /// Who accepted the risk, when the status is risk accepted.
    public var riskAcceptedBy: String?
    public var dueOn: String?
    /// Who follows the finding up; nil means the review's reviewer.
    public var assigneeID: User.ID?
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, reviewID: Review.ID, title: String, description: String, severity: FindingSeverity, status: FindingStatus = .open,
        riskAcceptedBy: String? = nil, dueOn: String? = nil, assigneeID: User.ID? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.assigneeID = assigneeID
        self.id = id
        self.reviewID = reviewID
        self.title = title
        self.description = description
        self.severity = severity
        self.status = status
        self.riskAcceptedBy = riskAcceptedBy
        self.dueOn = dueOn
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct FindingFields: Equatable, Sendable {
    public let title: String
    public let description: String
    public let severity: FindingSeverity
    public let dueOn: String?
    public let assigneeID: User.ID?

    public init(title: String, description: String, severity: FindingSeverity, dueOn: String? = nil, assigneeID: User.ID? = nil) {
        self.assigneeID = assigneeID
        self.title = title
        self.description = description
        self.severity = severity
        self.dueOn = dueOn
    }

    /// `people` are those a finding may be assigned to (active reviewers and admins).
    public static func validate(title: String?, description: String?, severity: String?, dueOn: String?, assigneeID: String? = nil,
                                people: [User] = []) throws -> FindingFields {
        var errors = ValidationErrors()
        let title = Check.required(title, field: "title", label: "Title", max: 200, errors: &errors)
        let description = Check.optional(description, field: "description", label: "Description", max: 5000, multiline: true, errors: &errors) ?? ""
        let severity = FindingSeverity(rawValue: Check.trimmed(severity))
        if severity == nil { errors.add("severity", "Choose critical, high, medium or low.") }
        let due = Check.trimmed(dueOn)
        if !due.isEmpty && !CalendarDay.isValid(due) { errors.add("dueOn", "Enter a date such as 2027-01-31.") }
        var assignee: User.ID?
        let assigneeText = Check.trimmed(assigneeID)
        if !assigneeText.isEmpty {
            assignee = User.ID(string: assigneeText).flatMap { id in people.first { $0.id == id }?.id }
            if assignee == nil { errors.add("assigneeID", "Choose who follows this finding up from the list.") }
        }
        try errors.throwIfAny()
        return FindingFields(title: title, description: description, severity: severity!, dueOn: due.isEmpty ? nil : due, assigneeID: assignee)
    }
}

/// What a reviewer fills in before deciding: who reviews, what was looked at, and for accessibility
/// the ACR outcomes and remediation commitments.
public struct ReviewFields: Equatable, Sendable {
    public var reviewerID: User.ID
    public var scope: String
    public var outcomes: [ACRArea: ACROutcome]
    public var remediation: String?
    /// When the reviewer is expected to decide.
    public var dueOn: String?

    public init(reviewerID: User.ID, scope: String, outcomes: [ACRArea: ACROutcome] = [:], remediation: String? = nil, dueOn: String? = nil) {
        self.dueOn = dueOn
        self.reviewerID = reviewerID
        self.scope = scope
        self.outcomes = outcomes
        self.remediation = remediation
    }

    /// `reviewers` are the people who may review (reviewer or admin role, active).
    public static func validate(
        reviewerID: String?, scope: String?, outcomes: [ACRArea: String], remediation: String?, dueOn: String? = nil, reviewers: [User], ownerID: User.ID?
    ) throws -> ReviewFields {
        var errors = ValidationErrors()
        let reviewer = User.ID(string: Check.trimmed(reviewerID)).flatMap { id in reviewers.first { $0.id == id } }
        if reviewer == nil {
            errors.add("reviewerID", "Choose the reviewer (a reviewer or admin).")
        } else if reviewer?.id == ownerID {
            errors.add("reviewerID", "The integration’s owner cannot review it: choose someone else (separation of duties).")
        }
        let scope = Check.required(scope, field: "scope", label: "Scope", max: 5000, multiline: true, errors: &errors)
        var parsed: [ACRArea: ACROutcome] = [:]
        for (area, raw) in outcomes {
            let text = Check.trimmed(raw)
            if text.isEmpty { continue }
            guard let outcome = ACROutcome(rawValue: text) else {
                errors.add("outcome_\(area.rawValue)", "Choose supports, partially supports, does not support or not applicable.")
                continue
            }
            parsed[area] = outcome
        }
        let remediation = Check.optional(remediation, field: "remediation", label: "Remediation commitments", max: 5000, multiline: true, errors: &errors)
        let due = Check.trimmed(dueOn)
        if !due.isEmpty && !CalendarDay.isValid(due) { errors.add("dueOn", "Enter a date such as 2027-01-31.") }
        try errors.throwIfAny()
        return ReviewFields(reviewerID: reviewer!.id, scope: scope, outcomes: parsed, remediation: remediation, dueOn: due.isEmpty ? nil : due)
    }
}

/// A reviewer's decision, checked against the review's findings and outcomes.
public struct ReviewDecisionRecord: Equatable, Sendable {
    public let decision: ReviewDecision
    public let conditions: String?
    public let decidedOn: String
    public let validUntil: String

    public init(decision: ReviewDecision, conditions: String?, decidedOn: String, validUntil: String) {
        self.decision = decision
        self.conditions = conditions
        self.decidedOn = decidedOn
        self.validUntil = validUntil
    }

    /// `today` is the decision date (a calendar day, UTC). Valid-until defaults to 12 months later.
    public static func validate(
        decision raw: String?, conditions rawConditions: String?, validUntil rawValidUntil: String?, today: String, review: Review, findings: [Finding]
    ) throws -> ReviewDecisionRecord {
        var errors = ValidationErrors()
        let decision = ReviewDecision(rawValue: Check.trimmed(raw))
        if decision == nil { errors.add("decision", "Choose approve, approve with conditions or reject.") }
        let conditions = Check.optional(rawConditions, field: "conditions", label: "Conditions", max: 5000, multiline: true, errors: &errors)
        if decision == .approveWithConditions && conditions == nil { errors.add("conditions", "List the conditions of approval.") }
        if decision == .reject && conditions == nil { errors.add("conditions", "Say why the integration is rejected.") }
        var validUntil = CalendarDay.adding(months: 12, to: today)
        let rawDay = Check.trimmed(rawValidUntil)
        if !rawDay.isEmpty {
            if !CalendarDay.isValid(rawDay) {
                errors.add("validUntil", "Enter a date such as 2027-11-30.")
            } else if rawDay <= today {
                errors.add("validUntil", "A decision must stay valid past today.")
            } else if rawDay > CalendarDay.adding(months: 36, to: today) {
                errors.add("validUntil", "A decision is valid for at most three years; review again before then.")
            } else {
                validUntil = rawDay
            }
        }
        if let decision, decision != .reject {
            let open = findings.filter { $0.status == .open }
            switch review.kind {
            case .security:
                if decision == .approve, let worst = open.map(\.severity).min(), worst <= .high {
                    errors.add("decision", "Open \(worst.rawValue) findings must be remediated or their risk accepted before approval; or approve with conditions.")
                }
                if open.contains(where: { $0.severity == .critical }) {
                    errors.add("decision", "A critical finding is still open: remediate it or record who accepts the risk before approving.")
                }
            case .accessibility:
                let missing = ACRArea.allCases.filter { review.fields.outcomes[$0] == nil }
                if !missing.isEmpty {
                    errors.add("decision", "Record the ACR outcome of every area first (missing: \(missing.map(\.label).joined(separator: "; "))).")
                }
                if review.fields.outcomes.values.contains(where: \.isGap) && review.fields.remediation == nil {
                    errors.add("decision", "Some areas are not fully supported: record the vendor’s remediation commitments before approving.")
                }
            }
        }
        try errors.throwIfAny()
        return ReviewDecisionRecord(decision: decision!, conditions: conditions, decidedOn: today, validUntil: validUntil)
    }
}

/// A security or accessibility review of one integration. Once decided it is locked; changing the
/// outcome means starting a new review that supersedes it, and the old one stays in the history.
public struct Review: Equatable, Sendable {
    public typealias ID = Identifier<Review>

    public let id: ID
    public let integrationID: Integration.ID
    public let kind: ReviewKind
    public var fields: ReviewFields
    public var decision: ReviewDecisionRecord?
    public var decidedBy: String?
    public var decidedByID: User.ID?
    public let supersedes: ID?
    public let createdBy: String
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    public init(
        id: ID, integrationID: Integration.ID, kind: ReviewKind, fields: ReviewFields, decision: ReviewDecisionRecord? = nil, decidedBy: String? = nil,
        decidedByID: User.ID? = nil, supersedes: ID? = nil, createdBy: String, createdAt: Date, updatedAt: Date, version: Int = 1
    ) {
        self.id = id
        self.integrationID = integrationID
        self.kind = kind
        self.fields = fields
        self.decision = decision
        self.decidedBy = decidedBy
        self.decidedByID = decidedByID
        self.supersedes = supersedes
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var isDecided: Bool { decision != nil }

    /// Refuses any change to a decided review.
    public func ensureOpen() throws {
        if isDecided { throw DomainError.locked(entity: kind.label.lowercased()) }
    }

    /// A decision that still holds on `day`.
    public func isCurrent(on day: String) -> Bool {
        guard let decision else { return false }
        return decision.decision != .reject && day <= decision.validUntil
    }
}

/// Who may decide a review: a reviewer or admin who is not the integration's owner.
public enum SeparationOfDuties {
    /// Reviewers and admins review; the other roles never do.
    public static func mayReview(_ role: Role) -> Bool { role == .reviewer || role == .admin }

    /// The people who may be assigned a review of `integration`: active reviewers and admins, not its owner.
    public static func possibleReviewers(_ users: [User], of integration: Integration) -> [User] {
        users.filter { $0.isActive && mayReview($0.role) && $0.id != integration.fields.ownerID }
    }

    public static func ensureCanDecide(_ user: User, integration: Integration) throws {
        guard mayReview(user.role) else { throw DomainError.forbidden }
        try ensureNotOwner(user, of: integration)
    }

    /// The owner never approves, accepts, marks or decides anything about their own integration.
    public static func ensureNotOwner(_ user: User, of integration: Integration) throws {
        try ensureNotOwner(Actor(user: user), of: integration)
    }

    /// The same for an actor; the command line and the system own nothing.
    public static func ensureNotOwner(_ actor: Actor, of integration: Integration) throws {
        if let id = actor.userID, integration.fields.ownerID == id { throw DomainError.separationOfDuties }
    }

    /// Status actions that decide (approve, reject, reinstate) are refused to the owner; protective
    /// ones (submit, suspend, retire, re-open) are theirs to take.
    public static func ensureMayTake(_ action: IntegrationAction, by actor: Actor, on integration: Integration) throws {
        if action.isDecision { try ensureNotOwner(actor, of: integration) }
    }

    /// Whether `user` may take `action` here, for offering it on a page.
    public static func mayTake(_ action: IntegrationAction, _ user: User?, on integration: Integration) -> Bool {
        guard let user else { return false }
        return (try? ensureMayTake(action, by: Actor(user: user), on: integration)) != nil
    }
}

public protocol ReviewRepository: Sendable {
    func reviews(_ integration: Integration.ID) async throws -> [Review]
    /// The reviews of several integrations (one query a batch), by integration, newest first.
    func reviews(of integrations: [Integration.ID]) async throws -> [Integration.ID: [Review]]
    /// Every decided review, across integrations (one query).
    func allDecided() async throws -> [Review]
    /// Every review not yet decided, across integrations (one query).
    func allOpen() async throws -> [Review]
    func find(_ id: Review.ID) async throws -> Review?
    func findings(_ review: Review.ID) async throws -> [Finding]
    /// The findings of several reviews in one query, by review (reviews without findings are absent).
    func findings(of reviews: [Review.ID]) async throws -> [Review.ID: [Finding]]
    /// Starts a review; refused while another review of the same kind is open for the integration.
    func create(_ fields: ReviewFields, kind: ReviewKind, integration: Integration.ID, id: Review.ID, supersedes: Review.ID?,
                by actor: Actor, at now: Date) async throws -> Review
    func update(_ id: Review.ID, to fields: ReviewFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Review
    func addFinding(_ fields: FindingFields, to review: Review.ID, id: Finding.ID, by actor: Actor, at now: Date) async throws -> Finding
    func setFindingStatus(_ id: Finding.ID, of review: Review.ID, to status: FindingStatus, by actor: Actor, at now: Date) async throws -> Finding
    /// Decides with the review's current findings; `check` re-validates inside the transaction.
    func decide(_ id: Review.ID, expectedVersion: Int, by actor: Actor, decidedByID: User.ID, at now: Date,
                check: @escaping @Sendable (Review, [Finding]) throws -> ReviewDecisionRecord) async throws -> Review
}
