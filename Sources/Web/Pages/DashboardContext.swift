import Vapor

struct DashboardContext: Encodable {
    struct Count: Encodable {
        let label: String
        let value: Int
        let url: String
    }

    let layout: LayoutContext
    struct FailedMail: Encodable {
        let to: String
        let subject: String
        let attempts: Int
        let error: String
        let queued: String
        /// Undeliverable mail: where "Send again" posts. Retrying mail: when it is tried next.
        let requeueURL: String?
        let nextAttempt: String?
    }
    /// Mail the outbox gave up on (admins only), newest first, and how many in all.
    let undeliverable: [FailedMail]?
    let undeliverableCount: Int
    /// Mail that failed and will be tried again (admins only), so a broken mail server shows early.
    let retrying: [FailedMail]?
    let retryingCount: Int
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
