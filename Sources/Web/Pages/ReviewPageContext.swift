import Vapor

struct ReviewPageContext: Encodable {
    struct FindingRow: Encodable {
        let title: String
        let description: String
        let severity: String
        let severityKey: String
        let status: String
        let statusKey: String
        let due: String
        let acceptedBy: String?
        let url: String
        let statusOptions: [SelectOption]
    }
    struct OutcomeRow: Encodable {
        let key: String
        let label: String
        let outcome: String
        let options: [SelectOption]
    }
    struct HistoryRow: Encodable {
        let url: String
        let state: String
        let started: String
        let current: Bool
    }

    let layout: LayoutContext
    let kind: String
    let isAccessibility: Bool
    let integrationName: String
    let integrationURL: String
    let reviewer: String
    let scope: String
    let started: String
    let decided: Bool
    let decision: String?
    let decisionKey: String?
    let conditions: String?
    let decidedBy: String?
    let decidedOn: String?
    let validUntil: String?
    let supersedesURL: String?
    let findings: [FindingRow]?
    let outcomes: [OutcomeRow]
    let remediation: String
    /// The review's due date as the form shows it ("" when none).
    let dueOn: String
    /// Who a new finding may be assigned to ("" = the reviewer).
    let assigneeOptions: [SelectOption]
    let canEdit: Bool
    let canRenew: Bool
    let reviewID: String
    let kindKey: String
    let canDecide: Bool
    let decideBlocked: String?
    let updateURL: String
    let findingsURL: String
    let decisionURL: String
    let renewURL: String
    let version: Int
    let reviewerOptions: [SelectOption]
    let severityOptions: [SelectOption]
    let decisionOptions: [SelectOption]
    let defaultValidUntil: String
    let values: [String: String]
    let errors: [String: String]
    let formError: String?
    let history: [HistoryRow]?
    let auditURL: String?
}
