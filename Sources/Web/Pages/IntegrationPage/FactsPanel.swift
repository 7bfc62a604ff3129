import Domain
import Vapor

/// The heading, the integration's declared facts and its endpoint summary.
struct FactsPanel: Encodable {
    let name: String
    let vendor: String
    let vendorURL: String
    let status: String
    let statusKey: String
    let facts: [FactRow]
    let purpose: String
    let risk: String
    let riskKey: String
    let whitelistSentence: String
    let whitelistCount: Int
    let whitelistURL: String
    let canEdit: Bool
    let editURL: String
    let historyURL: String?

    static func load(_ scope: PanelScope) async throws -> FactsPanel {
        let integration = scope.integration
        let vendor = scope.records.vendor
        let current = scope.records.whitelist
        let f = integration.fields
        let owner = scope.user(f.ownerID)
        var facts: [FactRow] = [
            .init(label: "Kind", value: f.kind.label),
            .init(label: "Installed at", value: f.installLevel.label + (f.subAccountName.map { " — \($0)" } ?? "")),
            .init(label: "Data classification", value: f.classification.label),
            .init(label: "Sends Canvas data to AI", value: f.sendsDataToAI ? "Yes — \(f.aiServices ?? "")" : "No"),
        ]
        if let data = f.aiData { facts.append(.init(label: "Data sent to AI", value: data)) }
        facts.append(.init(label: "Internal owner", value: owner.map { "\($0.name) (\($0.email))" } ?? "Not set"))
        if let change = integration.statusChange {
            facts.append(.init(label: "Status set", value: "\(integration.status.label) by \(change.by) on \(Format.dateTime(change.at))"
                + (change.note.map { " — \($0)" } ?? "")))
        }
        facts.append(.init(label: "Next review", value: f.nextReviewOn ?? "Not set"))
        facts.append(.init(label: "Last updated", value: Format.dateTime(integration.updatedAt)))
        return FactsPanel(
            name: f.name, vendor: vendor.name, vendorURL: SiteURL.vendor(vendor.id).path,
            status: integration.status.label, statusKey: integration.status.rawValue, facts: facts, purpose: f.purpose,
            risk: integration.risk?.description ?? "not declared", riskKey: integration.risk?.description ?? "none",
            whitelistSentence: current?.summary.sentence ?? "No endpoints declared yet.", whitelistCount: current?.entries.count ?? 0,
            whitelistURL: SiteURL.whitelist(integration.id).path, canEdit: scope.canEdit, editURL: SiteURL.editIntegration(integration.id).path,
            historyURL: Access.auditTrail.allows(scope.role)
                ? SiteURL.audit(query: ["entityType": "integration", "entityID": integration.id.description]).path : nil)
    }
}

/// Status actions (approve, reject, suspend…) for admins.
struct StatusPanel: Encodable {
    struct ActionButton: Encodable {
        let value: String
        let label: String
        let needsNote: Bool
    }

    let actionURL: String
    let actions: [ActionButton]
    let version: Int
    let errors: [String: String]

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) -> StatusPanel? {
        // The owner is not offered what separation of duties refuses them (approve, reject, reinstate).
        let actions = IntegrationAction.available(from: scope.integration.status)
            .filter { SeparationOfDuties.mayTake($0, scope.req.currentUser, on: scope.integration) }
        guard Access.reviewers.allows(scope.role), !actions.isEmpty else { return nil }
        var errors: [String: String] = [:]
        if case let .statusFailed(fields) = state { errors = fields }
        return StatusPanel(actionURL: SiteURL.integrationActions(scope.id).path,
                           actions: actions.map { .init(value: $0.rawValue, label: $0.label, needsNote: $0.needsNote) },
                           version: scope.integration.version, errors: errors)
    }
}
