import Domain
import Vapor

struct GateView: Encodable {
    struct Row: Encodable {
        let title: String
        let status: String
        let statusKey: String
        let reason: String
        let fixURL: String?
    }

    let met: Bool
    let summary: String
    let rows: [Row]

    init(_ gate: Gate, role: Role? = .admin) {
        met = gate.isMet
        let warnings = gate.items.filter { $0.status == .warning }.count
        summary = gate.isMet
            ? "Every item is met" + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "") + ": a key may be released."
            : "\(gate.unmet.count) of \(gate.items.count) items are not met: no key can be released yet."
        rows = gate.items.map { Row(title: $0.title, status: $0.status.label, statusKey: $0.status.rawValue, reason: $0.reason, fixURL: SiteURL.link($0.fix, for: role)) }
    }
}

struct ReleasePageContext: Encodable {
    let layout: LayoutContext
    let integrationName: String
    let integrationURL: String
    let state: String
    let stateKey: String
    let requested: String
    let pending: Bool
    let isRequester: Bool
    let codeSentTo: String
    let codesLeft: Int
    let attemptsLeft: Int
    let codeExpires: String
    let locksAt: String
    /// For a released key whose gate closed again: since when and why.
    let gateLapse: String?
    /// Why a locked release is locked, with what to do next.
    let lockReason: String?
    let verifyURL: String
    let resendURL: String
    let actionURL: String
    let rotateURL: String
    let canManage: Bool
    let releaseID: String
    let actions: [SelectOption]?
    let scopes: [String]
    let canvasKeyID: String?
    let includeParameters: String?
    let expiresOn: String?
    let rereviewOn: String?
    let verified: String?
    let scopeChanged: Bool
    let note: String?
    let previousURL: String?
    let defaultRereview: String
    /// `CANVAS_ENFORCE=on`: confirming checks the key in Canvas and switches it on.
    let enforcing: Bool
    let values: [String: String]
    let errors: [String: String]
    let formError: String?
    let historyURL: String?
}
