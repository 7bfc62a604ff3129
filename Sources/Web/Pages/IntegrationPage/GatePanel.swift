import Domain
import Operations
import Vapor

/// The issuance gate, item by item, and why a release was just refused.
struct GatePanel: Encodable {
    let gate: GateView
    let releaseError: String?

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) async throws -> GatePanel {
        var refusal: String?
        if case let .releaseRefused(message) = state { refusal = message }
        return GatePanel(gate: GateView(scope.req.operations.gates.evaluate(scope.records), role: scope.req.currentUser?.role), releaseError: refusal)
    }
}

/// The integration's key releases, and the button that starts one.
struct ReleasesPanel: Encodable {
    struct Row: Encodable {
        let url: String
        let state: String
        let stateKey: String
        let requested: String
        let canvasKeyID: String
        let rereview: String
        let scopeChanged: Bool
        /// "Gate no longer met since …: reasons", for a released key whose gate closed again.
        let gateLapse: String?
    }

    let rows: [Row]?
    let canRelease: Bool
    let releaseURL: String

    static func load(_ scope: PanelScope) async throws -> ReleasesPanel {
        let policy = scope.req.context.policy
        let rows = scope.releases.map { release in
            let state = release.state(at: scope.now, policy: policy)
            return Row(url: SiteURL.release(release.id).path, state: state.label, stateKey: state.rawValue,
                       requested: "\(Format.dateTime(release.requestedAt)) by \(release.requestedBy)", canvasKeyID: release.details?.canvasKeyID ?? "—",
                       rereview: release.details?.rereviewOn ?? "—", scopeChanged: release.scopeChanged,
                       gateLapse: release.state == .released ? release.gateLapse.map { "since \(Format.dateTime($0.since)): \($0.reason)" } : nil)
        }
        return ReleasesPanel(rows: rows.nonEmpty, canRelease: scope.canEdit, releaseURL: SiteURL.integrationReleases(scope.id).path)
    }
}

/// The LTI tool configuration, for LTI tools (or any integration that has one).
struct LTISection: Encodable {
    let current: LTIPanel?
    let error: String?
    let canImport: Bool
    let importURL: String

    static func load(_ scope: PanelScope, _ state: IntegrationPageState) async throws -> LTISection? {
        var error: String?
        if case let .ltiFailed(message) = state { error = message }
        let current = LTIPanel(scope.ltiHistory)
        guard [.lti13, .lti11].contains(scope.integration.fields.kind) || error != nil || current != nil else { return nil }
        return LTISection(current: current, error: error, canImport: scope.canEdit, importURL: SiteURL.integrationLTI(scope.id).path)
    }
}
