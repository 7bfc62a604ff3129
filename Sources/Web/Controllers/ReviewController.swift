import Domain
import Operations
import Persistence
import Vapor

/// Security and accessibility reviews: findings, ACR outcomes and a decision that locks the review.
struct ReviewController: Sendable {
    func create(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(ReviewStartForm.self)
        do {
            let review = try await req.operations.reviews.start(
                kind: form.kind, reviewerID: form.reviewerID, scope: form.scope, dueOn: form.dueOn,
                supersedes: form.supersedes.flatMap(Review.ID.init(string:)), on: integration, by: req.actor)
            return req.redirect(to: .review(review.id), flash: "\(review.kind.label) started.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await IntegrationPage.render(req, integration, .reviewFailed(values: form.values, errors: mapped.fields.isEmpty ? ["kind": mapped.message] : mapped.fields),
                                                    status: mapped.status)
        }
    }

    func show(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        return try await req.page("reviews/show", try await context(req, review))
    }

    func update(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let form = try req.form(ReviewForm.self)
        do {
            _ = try await req.operations.reviews.update(review, reviewerID: form.reviewerID, scope: form.scope, outcomes: form.outcomes,
                                                        remediation: form.remediation, dueOn: .some(form.dueOn), expectedVersion: try VersionInput.form(form.version), by: req.actor)
            return req.redirect(to: .review(review.id), flash: "Review saved.")
        } catch let error as DomainError {
            return try await failed(req, review, error, values: form.values)
        }
    }

    func addFinding(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let form = try req.form(FindingForm.self)
        do {
            let finding = try await req.operations.reviews.addFinding(
                title: form.title, description: form.description, severity: form.severity, dueOn: form.dueOn, assigneeID: form.assigneeID, to: review,
                by: req.actor)
            return req.redirect(to: .review(review.id), flash: "Finding “\(finding.title)” recorded.")
        } catch let error as DomainError {
            return try await failed(req, review, error, values: form.values)
        }
    }

    func setFindingStatus(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let form = try req.form(FindingStatusForm.self)
        do {
            guard let id = req.parameters.get("findingID").flatMap(Finding.ID.init(string:)) else { throw DomainError.notFound(entity: "finding") }
            let finding = try await req.operations.reviews.setStatus(form.status, of: id, in: review, by: req.actor)
            return req.redirect(to: .review(review.id), flash: "“\(finding.title)” is now \(finding.status.label.lowercased()).")
        } catch let error as DomainError {
            return try await failed(req, review, error, values: [:])
        }
    }

    func decide(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let form = try req.form(DecisionForm.self)
        do {
            let decided = try await req.operations.reviews.decide(
                review, decision: form.decision, conditions: form.conditions, validUntil: form.validUntil,
                expectedVersion: try VersionInput.form(form.version), by: try req.requireUser())
            return req.redirect(to: .review(decided.id), flash: "\(decided.kind.label) decided: \(decided.decision?.decision.label.lowercased() ?? ""). It is now locked.")
        } catch let error as DomainError {
            return try await failed(req, review, error, values: form.values)
        }
    }

    // MARK: Helpers

    private func failed(_ req: Request, _ review: Review, _ error: DomainError, values: [String: String]) async throws -> Response {
        let mapped = ErrorMapping.map(error)
        let current = try await req.store.reviews.find(review.id) ?? review
        var values = values
        if case .staleVersion = error { values["version"] = String(current.version) }
        await ConflictNotice.note(error, on: req, entityType: "review", entityID: review.id.description)
        return try await req.page("reviews/show", try await context(req, current, values: values, errors: mapped.fields,
                                                                   formError: mapped.fields.isEmpty ? mapped.message : mapped.formMessage),
                                  status: mapped.status)
    }

    private func context(
        _ req: Request, _ review: Review, values: [String: String] = [:], errors: [String: String] = [:], formError: String? = nil
    ) async throws -> ReviewPageContext {
        let integration = try await req.operations.reviews.integration(of: review)
        let findings = try await req.store.reviews.findings(review.id)
        let users = try await req.store.users.list()
        let name = { (id: User.ID) in users.first { $0.id == id }.map { "\($0.name) (\($0.email))" } ?? "—" }
        let user = req.currentUser
        let canEdit = Access.reviewers.allows(user?.role) && !review.isDecided
        var decideBlocked: String?
        if canEdit, let user, (try? SeparationOfDuties.ensureCanDecide(user, integration: integration)) == nil {
            decideBlocked = ErrorMapping.map(DomainError.separationOfDuties).message
        }
        let history = try await req.store.reviews.reviews(integration.id).filter { $0.kind == review.kind }
        let today = CalendarDay.of(req.now)
        let reviewers = SeparationOfDuties.possibleReviewers(try await req.store.users.list(), of: integration)
        let selectedReviewer = values["reviewerID"] ?? review.fields.reviewerID.description
        return ReviewPageContext(
            layout: LayoutContext(req, title: "\(review.kind.label) — \(integration.fields.name)"), kind: review.kind.label,
            isAccessibility: review.kind == .accessibility, integrationName: integration.fields.name, integrationURL: SiteURL.integration(integration.id).path,
            reviewer: name(review.fields.reviewerID), scope: review.fields.scope, started: "\(Format.dateTime(review.createdAt)) by \(review.createdBy)",
            decided: review.isDecided, decision: review.decision?.decision.label, decisionKey: review.decision?.decision.rawValue,
            conditions: review.decision?.conditions, decidedBy: review.decidedBy, decidedOn: review.decision?.decidedOn,
            validUntil: review.decision.map { $0.validUntil + (review.isCurrent(on: today) || $0.decision == .reject ? "" : " (expired)") },
            supersedesURL: review.supersedes.map { SiteURL.review($0).path },
            findings: findings.map { f in
                .init(title: f.title, description: f.description, severity: f.severity.label, severityKey: f.severity.rawValue, status: f.status.label,
                      statusKey: f.status.rawValue, due: f.dueOn ?? "—", acceptedBy: f.riskAcceptedBy, url: SiteURL.reviewFinding(review.id, f.id).path,
                      statusOptions: options(FindingStatus.self, selected: f.status.rawValue, label: \.label))
            }.nonEmpty,
            outcomes: ACRArea.allCases.map { area in
                let chosen = values["outcome_\(area.rawValue)"] ?? review.fields.outcomes[area]?.rawValue ?? ""
                return .init(key: area.rawValue, label: area.label, outcome: review.fields.outcomes[area]?.label ?? "Not recorded",
                             options: [SelectOption(value: "", label: "Not recorded", selected: chosen.isEmpty)]
                                + options(ACROutcome.self, selected: chosen, label: \.label))
            },
            remediation: values["remediation"] ?? review.fields.remediation ?? "",
            dueOn: values["dueOn"] ?? review.fields.dueOn ?? "",
            assigneeOptions: [SelectOption(value: "", label: "The reviewer", selected: (values["assigneeID"] ?? "").isEmpty)]
                + reviewers.map { SelectOption(value: $0.id.description, label: "\($0.name) (\($0.role.label))", selected: $0.id.description == values["assigneeID"]) },
            canEdit: canEdit, canRenew: Access.reviewers.allows(user?.role) && review.isDecided, reviewID: review.id.description,
            kindKey: review.kind.rawValue, canDecide: canEdit && decideBlocked == nil, decideBlocked: decideBlocked,
            updateURL: SiteURL.review(review.id).path, findingsURL: SiteURL.reviewFindings(review.id).path,
            decisionURL: SiteURL.reviewDecision(review.id).path, renewURL: SiteURL.integrationReviews(integration.id).path,
            version: Int(values["version"] ?? "") ?? review.version,
            reviewerOptions: reviewers.map { SelectOption(value: $0.id.description, label: "\($0.name) (\($0.role.label))", selected: $0.id.description == selectedReviewer) },
            severityOptions: options(FindingSeverity.self, selected: values["severity"] ?? "medium", label: \.label),
            decisionOptions: options(ReviewDecision.self, selected: values["decision"], label: \.label),
            defaultValidUntil: CalendarDay.adding(months: 12, to: today),
            values: values, errors: errors, formError: formError,
            history: history.count > 1 ? history.map {
                .init(url: SiteURL.review($0.id).path, state: $0.decision.map { "\($0.decision.label) on \($0.decidedOn)" } ?? "In progress",
                      started: Format.date($0.createdAt), current: $0.id == review.id)
            } : nil,
            auditURL: Access.auditTrail.allows(user?.role) ? SiteURL.audit(query: ["entityType": "review", "entityID": review.id.description]).path : nil)
    }
}

extension Request {
    func reviewParameter() async throws -> Review { try await record("reviewID", "review", store.reviews.find) }
}
