import Domain
import Vapor

/// Questionnaire progress, deviations and how many answers came from the vendor.
struct QuestionnairesPanel: Encodable {
    struct Row: Encodable {
        let title: String
        let url: String
        let version: Int
        let percent: Int
        let complete: Bool
        let deviations: String
        let fromVendor: Int
    }

    let rows: [Row]

    static func load(_ scope: PanelScope) async throws -> QuestionnairesPanel {
        let answers = scope.records.answers
        return QuestionnairesPanel(rows: scope.req.context.questionnaires.map { q in
            let progress = QuestionnaireProgress(q, answers: AnswerSheet.values(answers, for: q))
            let fromVendor = answers.filter { $0.questionnaireID == q.id && $0.questionnaireVersion == q.version && $0.source.isVendors }.count
            return Row(
                title: q.title, url: SiteURL.answers(scope.id, q.id).path, version: q.version, percent: progress.percent, complete: progress.isComplete,
                deviations: progress.deviations.isEmpty ? "none" : progress.deviations.map { "\($0.question.id) (\($0.severity.rawValue))" }.joined(separator: ", "),
                fromVendor: fromVendor)
        })
    }
}

/// Security and accessibility reviews, and the form that starts one.
struct ReviewsPanel: Encodable {
    struct Row: Encodable {
        let kind: String
        let url: String
        let reviewer: String
        let state: String
        let stateKey: String
        let validUntil: String
        let started: String
    }

    let rows: [Row]?
    let canReview: Bool
    let reviewURL: String
    let reviewerOptions: [SelectOption]
    let kindOptions: [SelectOption]
    let scope: String
    let dueOn: String
    let errors: [String: String]
    /// Whether the form is shown open (it came back with errors). Leaf counts an empty dictionary as true.
    let open: Bool

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) async throws -> ReviewsPanel {
        var values: [String: String] = [:], errors: [String: String] = [:]
        if case let .reviewFailed(submitted, fields) = state { (values, errors) = (submitted, fields) }
        let today = CalendarDay.of(scope.now)
        let rows = scope.records.reviews.map { review in
            let state: (String, String)
            if let decision = review.decision {
                let expired = decision.decision != .reject && today > decision.validUntil
                state = (decision.decision.label + (expired ? " (expired)" : ""), expired ? "expired" : decision.decision.rawValue)
            } else {
                state = ("In progress", "in_review")
            }
            return Row(kind: review.kind.label, url: SiteURL.review(review.id).path, reviewer: scope.user(review.fields.reviewerID)?.name ?? "—",
                       state: state.0, stateKey: state.1, validUntil: review.decision?.validUntil ?? "—", started: Format.date(review.createdAt))
        }
        let reviewers = SeparationOfDuties.possibleReviewers(scope.users, of: scope.integration)
        return ReviewsPanel(
            rows: rows.nonEmpty, canReview: Access.reviewers.allows(scope.role), reviewURL: SiteURL.integrationReviews(scope.id).path,
            reviewerOptions: reviewers.map {
                SelectOption(value: $0.id.description, label: "\($0.name) (\($0.role.label))",
                             selected: $0.id.description == (values["reviewerID"] ?? scope.req.currentUser?.id.description))
            },
            kindOptions: options(ReviewKind.self, selected: values["kind"] ?? ReviewKind.security.rawValue, label: \.label),
            scope: values["scope"] ?? "", dueOn: values["dueOn"] ?? "", errors: errors, open: !errors.isEmpty)
    }
}

/// Vendor answer links (admins only): the links made, a new one shown once, and the form.
struct LinksPanel: Encodable {
    struct Row: Encodable {
        let hint: String
        let contact: String
        let created: String
        let expires: String
        let lastUsed: String
        let submitted: String
        let state: String
        let revokeURL: String?
    }

    let rows: [Row]?
    let newLink: NewAnswerLink?
    let linkURL: String
    let name: String
    let email: String
    let days: String
    let errors: [String: String]
    let open: Bool
    let defaultDays: Int
    let maxDays: Int

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) async throws -> LinksPanel? {
        guard scope.canEdit else { return nil }
        var values: [String: String] = [:], errors: [String: String] = [:], created: NewAnswerLink?
        switch state {
        case let .linkFailed(submitted, fields): (values, errors) = (submitted, fields)
        case let .linkCreated(link): created = link
        default: break
        }
        let now = scope.now
        let rows = try await scope.store.vendorLinks.list(scope.id).map { link in
            Row(hint: link.hint, contact: "\(link.contactName) <\(link.contactEmail)>", created: "\(Format.dateTime(link.createdAt)) by \(link.createdBy)",
                expires: Format.dateTime(link.expiresAt), lastUsed: Format.dateTime(link.lastUsedAt),
                submitted: link.submittedAt.map(Format.dateTime) ?? "not yet", state: link.state(at: now).rawValue,
                revokeURL: link.isUsable(at: now) ? SiteURL.revokeVendorLink(scope.id, link.id).path : nil)
        }
        return LinksPanel(
            rows: rows.nonEmpty, newLink: created, linkURL: SiteURL.vendorLinks(scope.id).path,
            name: values["contactName"] ?? "", email: values["contactEmail"] ?? "", days: values["days"] ?? String(VendorLink.defaultDays),
            errors: errors, open: !errors.isEmpty, defaultDays: VendorLink.defaultDays, maxDays: VendorLink.maxDays)
    }
}
