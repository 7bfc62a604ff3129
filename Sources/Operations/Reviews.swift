import Domain
import Foundation

/// Security and accessibility reviews: started by a reviewer (never the integration's owner),
/// findings with severities and status, ACR outcomes, and a decision that locks the review.
public struct Reviews: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    /// The people who may review: active reviewers and admins.
    public func reviewers() async throws -> [User] {
        try await environment.store.users.list().filter { $0.isActive && SeparationOfDuties.mayReview($0.role) }
    }

    public func integration(of review: Review) async throws -> Integration {
        guard let integration = try await environment.store.integrations.find(review.integrationID) else { throw DomainError.notFound(entity: "integration") }
        return integration
    }

    public func start(kind rawKind: String?, reviewerID: String?, scope: String?, supersedes: Review.ID?, on integration: Integration,
                      by actor: Actor) async throws -> Review {
        guard let kind = ReviewKind(rawValue: rawKind ?? "") else {
            throw DomainError.validation(ValidationErrors(["kind": "Choose a security or an accessibility review."]))
        }
        let fields = try ReviewFields.validate(reviewerID: reviewerID, scope: scope, outcomes: [:], remediation: nil,
                                               reviewers: try await reviewers(), ownerID: integration.fields.ownerID)
        return try await environment.store.reviews.create(fields, kind: kind, integration: integration.id, id: environment.ids(),
                                                          supersedes: supersedes, by: actor, at: environment.now())
    }

    /// Saves the reviewer, scope, ACR outcomes (accessibility reviews only) and remediation of an open review.
    public func update(_ review: Review, reviewerID: String?, scope: String?, outcomes: [ACRArea: String], remediation: String?,
                       expectedVersion: Int, by actor: Actor) async throws -> Review {
        try review.ensureOpen()
        let integration = try await integration(of: review)
        let fields = try ReviewFields.validate(
            reviewerID: reviewerID, scope: scope, outcomes: review.kind == .accessibility ? outcomes : [:], remediation: remediation,
            reviewers: try await reviewers(), ownerID: integration.fields.ownerID)
        return try await environment.store.reviews.update(review.id, to: fields, expectedVersion: expectedVersion, by: actor, at: environment.now())
    }

    public func addFinding(title: String?, description: String?, severity: String?, dueOn: String?, to review: Review, by actor: Actor) async throws -> Finding {
        let fields = try FindingFields.validate(title: title, description: description, severity: severity, dueOn: dueOn)
        return try await environment.store.reviews.addFinding(fields, to: review.id, id: environment.ids(), by: actor, at: environment.now())
    }

    public func setStatus(_ rawStatus: String?, of finding: Finding.ID, in review: Review, by actor: Actor) async throws -> Finding {
        guard let status = FindingStatus(rawValue: rawStatus ?? "") else {
            throw DomainError.validation(ValidationErrors(["status": "Choose open, remediated or risk accepted."]))
        }
        return try await environment.store.reviews.setFindingStatus(finding, of: review.id, to: status, by: actor, at: environment.now())
    }

    /// Decides a review (never by the integration's owner). The rules are checked against the
    /// findings as they are inside the write, so a finding re-opened a moment ago still counts.
    public func decide(_ review: Review, decision: String?, conditions: String?, validUntil: String?, expectedVersion: Int,
                       by user: User) async throws -> Review {
        try SeparationOfDuties.ensureCanDecide(user, integration: try await integration(of: review))
        let now = environment.now()
        let today = CalendarDay.of(now)
        return try await environment.store.reviews.decide(review.id, expectedVersion: expectedVersion, by: Actor(user: user), decidedByID: user.id,
                                                          at: now) { current, findings in
            try ReviewDecisionRecord.validate(decision: decision, conditions: conditions, validUntil: validUntil, today: today,
                                              review: current, findings: findings)
        }
    }
}
