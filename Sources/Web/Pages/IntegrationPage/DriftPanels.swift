import Domain
import Vapor

/// Scope drift: what the newest scan that covered this integration found.
struct DriftPanel: Encodable {
    let scanned: String?
    let scanURL: String?
    let counts: String?
    let findings: [DriftFindingRow]?
    let clean: Bool
    let driftURL: String

    static func load(_ scope: PanelScope) async throws -> DriftPanel {
        let latest = try await scope.store.drift.latest(for: scope.id)
        let drift = latest?.1
        return DriftPanel(
            scanned: latest.map { "\(Format.dateTime($0.0.createdAt)) (\($0.0.files.joined(separator: ", ")))" },
            scanURL: latest.map { SiteURL.driftScan($0.0.id).path },
            counts: drift.map {
                "\($0.requests.formatted()) requests: \($0.inScope.formatted()) in scope, \($0.outOfScope.formatted()) out of scope, "
                    + "\($0.includeFlagged.formatted()) with include[] not allowed"
            },
            findings: drift?.findings.map(DriftFindingRow.init).nonEmpty,
            clean: drift.map { $0.findings.isEmpty } ?? false,
            driftURL: SiteURL.drift.path)
    }
}

/// How the integration's requests are recognised in logs without a key id (editable by admins).
struct LogIdentityPanel: Encodable {
    let serviceAccounts: String
    let userAgents: String
    let canEdit: Bool
    let identityURL: String
    let open: Bool
    let errors: [String: String]
    let userIDsValue: String
    let userAgentsValue: String

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) async throws -> LogIdentityPanel {
        let identity = try await scope.store.drift.identity(scope.id)
        var submitted: [String: String]?
        var errors: [String: String] = [:]
        if case let .identityFailed(values, fields) = state { (submitted, errors) = (values, fields) }
        return LogIdentityPanel(
            serviceAccounts: identity.serviceAccountUserIDs.isEmpty ? "none" : identity.serviceAccountUserIDs.joined(separator: ", "),
            userAgents: identity.userAgentPatterns.isEmpty ? "none" : identity.userAgentPatterns.joined(separator: ", "),
            canEdit: scope.canEdit, identityURL: SiteURL.integrationLogIdentity(scope.id).path,
            open: submitted != nil, errors: errors,
            userIDsValue: submitted?["serviceAccountUserIDs"] ?? identity.serviceAccountUserIDs.joined(separator: "\n"),
            userAgentsValue: submitted?["userAgentPatterns"] ?? identity.userAgentPatterns.joined(separator: "\n"))
    }
}
