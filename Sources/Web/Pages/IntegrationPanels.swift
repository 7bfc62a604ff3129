import Domain
import Operations
import Vapor

/// The parts of an integration's page that come from issue #4: questionnaire progress, reviews
/// and vendor answer links.
struct IntegrationPanels: Encodable {
    struct QuestionnaireRow: Encodable {
        let title: String
        let url: String
        let version: Int
        let percent: Int
        let complete: Bool
        let deviations: String
        let fromVendor: Int
    }
    struct ReviewRow: Encodable {
        let kind: String
        let url: String
        let reviewer: String
        let state: String
        let stateKey: String
        let validUntil: String
        let started: String
    }
    struct LinkRow: Encodable {
        let hint: String
        let contact: String
        let created: String
        let expires: String
        let lastUsed: String
        let submitted: String
        let state: String
        let revokeURL: String?
    }
    struct NewLink: Encodable {
        let url: String
        let mailed: Bool
        let contact: String
    }

    /// What a handler passes in: a link just created, or a form to show again with its errors.
    struct Input {
        var newLink: NewLink? = nil
        var linkValues: [String: String] = [:]
        var linkErrors: [String: String] = [:]
        var reviewValues: [String: String] = [:]
        var reviewErrors: [String: String] = [:]
        var releaseError: String? = nil
        var ltiError: String? = nil
        var identityValues: [String: String]? = nil
        var identityErrors: [String: String] = [:]
    }
    struct ReleaseRow: Encodable {
        let url: String
        let state: String
        let stateKey: String
        let requested: String
        let canvasKeyID: String
        let rereview: String
        let scopeChanged: Bool
    }

    let questionnaires: [QuestionnaireRow]
    let reviews: [ReviewRow]?
    let canReview: Bool
    let reviewURL: String
    let reviewerOptions: [SelectOption]
    let reviewKindOptions: [SelectOption]
    let reviewScope: String
    let reviewErrors: [String: String]
    /// Whether the form is shown open (it came back with errors). Leaf counts an empty dictionary as true.
    let reviewOpen: Bool
    let links: [LinkRow]?
    let canLink: Bool
    let linkURL: String
    let linkName: String
    let linkEmail: String
    let linkDays: String
    let linkErrors: [String: String]
    let linkOpen: Bool
    let defaultDays: Int
    let maxDays: Int
    let newLink: NewLink?
    let gate: GateView
    let releases: [ReleaseRow]?
    let canRelease: Bool
    let releaseURL: String
    let releaseError: String?
    let lti: LTIPanel?
    let showLTI: Bool
    let ltiURL: String
    let ltiError: String?
    let drift: DriftPanel

    static func build(_ req: Request, _ integration: Integration, input: Input) async throws -> IntegrationPanels {
        let role = req.currentUser?.role
        let now = req.now
        let answers = try await req.store.answers.answers(integration.id)
        let questionnaires = req.context.questionnaires.map { q in
            let progress = QuestionnaireProgress(q, answers: AnswerSheet.values(answers, for: q))
            let fromVendor = answers.filter { $0.questionnaireID == q.id && $0.questionnaireVersion == q.version && $0.source == .vendor }.count
            return QuestionnaireRow(
                title: q.title, url: SiteURL.answers(integration.id, q.id).path, version: q.version, percent: progress.percent,
                complete: progress.isComplete,
                deviations: progress.deviations.isEmpty ? "none" : progress.deviations.map { "\($0.question.id) (\($0.severity.rawValue))" }.joined(separator: ", "),
                fromVendor: fromVendor)
        }
        let users = try await req.store.users.list()
        let names = Dictionary(users.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let today = CalendarDay.of(now)
        let reviews = try await req.store.reviews.reviews(integration.id).map { review in
            let state: (String, String)
            if let decision = review.decision {
                let expired = decision.decision != .reject && today > decision.validUntil
                state = (decision.decision.label + (expired ? " (expired)" : ""), expired ? "expired" : decision.decision.rawValue)
            } else {
                state = ("In progress", "in_review")
            }
            return ReviewRow(kind: review.kind.label, url: SiteURL.review(review.id).path, reviewer: names[review.fields.reviewerID] ?? "—",
                             state: state.0, stateKey: state.1, validUntil: review.decision?.validUntil ?? "—", started: Format.date(review.createdAt))
        }
        let canLink = Routes.editorAccess.allows(role)
        let links = canLink ? try await req.store.vendorLinks.list(integration.id) : []
        let ltiPanel = LTIController.panel(try await req.store.lti.history(integration.id))
        let drift = try await DriftPanel.build(req, integration, input: input)
        let reviewers = try await req.operations.reviews.reviewers().filter { $0.id != integration.fields.ownerID }
        return IntegrationPanels(
            questionnaires: questionnaires, reviews: reviews.nonEmpty,
            canReview: Routes.reviewAccess.allows(role), reviewURL: SiteURL.integrationReviews(integration.id).path,
            reviewerOptions: reviewers.map {
                SelectOption(value: $0.id.description, label: "\($0.name) (\($0.role.label))",
                             selected: $0.id.description == (input.reviewValues["reviewerID"] ?? req.currentUser?.id.description))
            },
            reviewKindOptions: options(ReviewKind.self, selected: input.reviewValues["kind"] ?? ReviewKind.security.rawValue, label: \.label),
            reviewScope: input.reviewValues["scope"] ?? "", reviewErrors: input.reviewErrors, reviewOpen: !input.reviewErrors.isEmpty,
            links: links.map { link in
                LinkRow(hint: link.hint, contact: "\(link.contactName) <\(link.contactEmail)>", created: "\(Format.dateTime(link.createdAt)) by \(link.createdBy)",
                        expires: Format.dateTime(link.expiresAt), lastUsed: Format.dateTime(link.lastUsedAt),
                        submitted: link.submittedAt.map(Format.dateTime) ?? "not yet", state: link.state(at: now).rawValue,
                        revokeURL: link.isUsable(at: now) ? SiteURL.revokeVendorLink(integration.id, link.id).path : nil)
            }.nonEmpty,
            canLink: canLink, linkURL: SiteURL.vendorLinks(integration.id).path,
            linkName: input.linkValues["contactName"] ?? "", linkEmail: input.linkValues["contactEmail"] ?? "",
            linkDays: input.linkValues["days"] ?? String(VendorLink.defaultDays), linkErrors: input.linkErrors, linkOpen: !input.linkErrors.isEmpty,
            defaultDays: VendorLink.defaultDays, maxDays: VendorLink.maxDays, newLink: input.newLink,
            gate: GateView(try await req.operations.gates.evaluate(integration)),
            releases: try await req.store.releases.list(integration.id).map { release in
                let state = release.state(at: now, policy: req.context.policy)
                return ReleaseRow(url: SiteURL.release(release.id).path, state: state.label, stateKey: state.rawValue,
                                  requested: "\(Format.dateTime(release.requestedAt)) by \(release.requestedBy)", canvasKeyID: release.details?.canvasKeyID ?? "—",
                                  rereview: release.details?.rereviewOn ?? "—", scopeChanged: release.scopeChanged)
            }.nonEmpty,
            canRelease: canLink, releaseURL: SiteURL.integrationReleases(integration.id).path, releaseError: input.releaseError,
            lti: ltiPanel,
            showLTI: [.lti13, .lti11].contains(integration.fields.kind) || input.ltiError != nil || ltiPanel != nil,
            ltiURL: SiteURL.integrationLTI(integration.id).path, ltiError: input.ltiError, drift: drift)
    }
}

/// The integration page's scope-drift section: what the newest scan found for it, and how its
/// requests are recognised in logs (editable by admins).
struct DriftPanel: Encodable {
    let scanned: String?
    let scanURL: String?
    let counts: String?
    let findings: [DriftFindingRow]?
    let clean: Bool
    let serviceAccounts: String
    let userAgents: String
    let canEdit: Bool
    let identityURL: String
    let identityOpen: Bool
    let identityErrors: [String: String]
    let userIDsValue: String
    let userAgentsValue: String
    let driftURL: String

    static func build(_ req: Request, _ integration: Integration, input: IntegrationPanels.Input) async throws -> DriftPanel {
        let identity = try await req.store.drift.identity(integration.id)
        let latest = try await req.store.drift.latest(for: integration.id)
        let drift = latest?.1
        return DriftPanel(
            scanned: latest.map { "\(Format.dateTime($0.0.createdAt)) (\($0.0.files.joined(separator: ", ")))" },
            scanURL: latest.map { SiteURL.driftScan($0.0.id).path },
            counts: drift.map { "\($0.requests.formatted()) requests: \($0.inScope.formatted()) in scope, \($0.outOfScope.formatted()) out of scope, \($0.includeFlagged.formatted()) with include[] not allowed" },
            findings: drift?.findings.map(DriftFindingRow.init).nonEmpty,
            clean: drift.map { $0.findings.isEmpty } ?? false,
            serviceAccounts: identity.serviceAccountUserIDs.isEmpty ? "none" : identity.serviceAccountUserIDs.joined(separator: ", "),
            userAgents: identity.userAgentPatterns.isEmpty ? "none" : identity.userAgentPatterns.joined(separator: ", "),
            canEdit: Routes.editorAccess.allows(req.currentUser?.role), identityURL: SiteURL.integrationLogIdentity(integration.id).path,
            identityOpen: input.identityValues != nil, identityErrors: input.identityErrors,
            userIDsValue: input.identityValues?["serviceAccountUserIDs"] ?? identity.serviceAccountUserIDs.joined(separator: "\n"),
            userAgentsValue: input.identityValues?["userAgentPatterns"] ?? identity.userAgentPatterns.joined(separator: "\n"),
            driftURL: SiteURL.drift.path)
    }
}
