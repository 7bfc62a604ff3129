import Domain
import Foundation
import Logging

/// Security and accessibility reviews: started by a reviewer (never the integration's owner),
/// findings with severities and status, ACR outcomes, and a decision that locks the review.
public struct Reviews: Sendable {
    private let environment: OperationEnvironment
    private let watch: GateWatch

    init(_ environment: OperationEnvironment, watch: GateWatch) {
        self.environment = environment
        self.watch = watch
    }

    /// The people who may review: active reviewers and admins.
    public func reviewers() async throws -> [User] {
        try await environment.store.users.list().filter { $0.isActive && SeparationOfDuties.mayReview($0.role) }
    }

    public func integration(of review: Review) async throws -> Integration {
        guard let integration = try await environment.store.integrations.find(review.integrationID) else { throw DomainError.notFound(entity: "integration") }
        return integration
    }

    public func start(kind rawKind: String?, reviewerID: String?, scope: String?, dueOn: String? = nil, supersedes: Review.ID?, on integration: Integration,
                      by actor: Actor) async throws -> Review {
        guard let kind = ReviewKind(rawValue: rawKind ?? "") else {
            throw DomainError.validation(ValidationErrors(["kind": "Choose a security or an accessibility review."]))
        }
        let people = try await reviewers()
        let fields = try ReviewFields.validate(reviewerID: reviewerID, scope: scope, outcomes: [:], remediation: nil, dueOn: dueOn,
                                               reviewers: people, ownerID: integration.fields.ownerID)
        let mail = try assignmentMail(people.first { $0.id == fields.reviewerID }, what: "the \(kind.label.lowercased()) of \(integration.fields.name)",
                                      due: fields.dueOn, integration: integration.id, unless: actor)
        return try await environment.change(with: mail) {
            try await environment.store.reviews.create(fields, kind: kind, integration: integration.id, id: environment.ids(),
                                                      supersedes: supersedes, by: actor, at: environment.now())
        }
    }

    /// Saves the reviewer, scope, ACR outcomes (accessibility reviews only) and remediation of an open review.
    public func update(_ review: Review, reviewerID: String?, scope: String?, outcomes: [ACRArea: String], remediation: String?, dueOn: String?? = nil,
                       expectedVersion: Int, by actor: Actor) async throws -> Review {
        try review.ensureOpen()
        let integration = try await integration(of: review)
        let people = try await reviewers()
        let fields = try ReviewFields.validate(
            reviewerID: reviewerID, scope: scope, outcomes: review.kind == .accessibility ? outcomes : [:], remediation: remediation,
            dueOn: dueOn ?? review.fields.dueOn, reviewers: people, ownerID: integration.fields.ownerID)
        let mail = fields.reviewerID == review.fields.reviewerID ? [] : try assignmentMail(
            people.first { $0.id == fields.reviewerID }, what: "the \(review.kind.label.lowercased()) of \(integration.fields.name)",
            due: fields.dueOn, integration: integration.id, unless: actor)
        return try await environment.change(with: mail) {
            try await environment.store.reviews.update(review.id, to: fields, expectedVersion: expectedVersion, by: actor, at: environment.now())
        }
    }

    public func addFinding(title: String?, description: String?, severity: String?, dueOn: String?, assigneeID: String? = nil, to review: Review,
                           by actor: Actor) async throws -> Finding {
        let people = try await reviewers()
        let fields = try FindingFields.validate(title: title, description: description, severity: severity, dueOn: dueOn, assigneeID: assigneeID, people: people)
        var mail: [QueuedMail] = []
        if let assignee = fields.assigneeID {
            let integration = try await integration(of: review)
            mail = try assignmentMail(people.first { $0.id == assignee }, what: "the finding “\(fields.title)” on \(integration.fields.name)", due: fields.dueOn,
                                      integration: integration.id, unless: actor)
        }
        let finding = try await environment.change(with: mail) {
            try await environment.store.reviews.addFinding(fields, to: review.id, id: environment.ids(), by: actor, at: environment.now())
        }
        await watch.recheck(review.integrationID, after: "a finding was added")
        return finding
    }

    public func setStatus(_ rawStatus: String?, of finding: Finding.ID, in review: Review, by actor: Actor) async throws -> Finding {
        guard let status = FindingStatus(rawValue: rawStatus ?? "") else {
            throw DomainError.validation(ValidationErrors(["status": "Choose open, remediated or risk accepted."]))
        }
        // Accepting a risk is a decision: never the owner's.
        if status == .riskAccepted { try SeparationOfDuties.ensureNotOwner(actor, of: try await integration(of: review)) }
        let saved = try await environment.store.reviews.setFindingStatus(finding, of: review.id, to: status, by: actor, at: environment.now())
        await watch.recheck(review.integrationID, after: "finding “\(saved.title)” became \(saved.status.label.lowercased())")
        return saved
    }

    /// Decides a review (never by the integration's owner). The rules are checked against the
    /// findings as they are inside the write, so a finding re-opened a moment ago still counts.
    public func decide(_ review: Review, decision: String?, conditions: String?, validUntil: String?, expectedVersion: Int,
                       by user: User) async throws -> Review {
        try SeparationOfDuties.ensureCanDecide(user, integration: try await integration(of: review))
        let now = environment.now()
        let today = CalendarDay.of(now)
        let decided = try await environment.store.reviews.decide(review.id, expectedVersion: expectedVersion, by: Actor(user: user), decidedByID: user.id,
                                                                 at: now) { current, findings in
            try ReviewDecisionRecord.validate(decision: decision, conditions: conditions, validUntil: validUntil, today: today,
                                              review: current, findings: findings)
        }
        await watch.recheck(review.integrationID, after: "the \(review.kind.label.lowercased()) was decided")
        return decided
    }

    /// The message telling the person something is assigned to them (none when they assigned it to
    /// themselves); stored with the assignment.
    private func assignmentMail(_ person: User?, what: String, due: String?, integration: Integration.ID, unless actor: Actor) throws -> [QueuedMail] {
        guard let person, person.id != actor.userID else { return [] }
        return [try environment.compose(
            to: ["\(person.name) <\(person.email)>"], subject: "Assigned to you: \(what)",
            body: """
            \(actor.label) assigned \(what) to you\(due.map { ", due \($0)" } ?? "").

            \(environment.links.integration(integration))
            """)]
    }
}
