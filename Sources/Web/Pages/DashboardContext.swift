import Vapor

struct DashboardContext: Encodable {
    struct Count: Encodable {
        let label: String
        let value: Int
        let url: String
    }

    let layout: LayoutContext
    let greeting: String
    let role: String
    let counts: [Count]
    /// Recent audit events (named `rows` for the shared audit table partial).
    let rows: [AuditRowContext]
    let auditURL: String?
    struct Upcoming: Encodable {
        let what: String
        let title: String
        let day: String
        let daysLeft: Int
        let urgency: String
        let url: String?
    }
    /// Re-reviews, contract ends and key expiry within the reminder horizon, soonest first.
    let upcoming: [Upcoming]?
    let horizon: Int
    struct QueueRow: Encodable {
        let kind: String
        let kindKey: String
        let title: String
        let detail: String
        let due: String?
        let overdue: Bool
        let url: String
    }
    /// What needs this person now, most urgent first.
    let queue: [QueueRow]?
    /// Proposed switch-offs and failed Canvas writes, each one click from done (admins and editors).
    let writes: [CanvasPageContext.WriteRow]?
}
