import Domain
import Operations
import Persistence
import Vapor

struct DashboardController: Sendable {
    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var counts: [DashboardContext.Count] = []
        let standings = try await req.store.vendors.countsByStanding()
        counts.append(.init(label: "Vendors", value: standings.values.reduce(0, +), url: SiteURL.vendors().path))
        for standing in [VendorStanding.onNotice, .suspended] {
            counts.append(.init(label: "Vendors \(standing.label.lowercased())", value: standings[standing] ?? 0,
                                url: SiteURL.vendors(query: ["standing": standing.rawValue]).path))
        }
        if let (_, findings) = try await req.operations.canvas.latestFindings() {
            counts.append(.init(label: "Canvas findings (critical)", value: findings.filter { $0.severity == .critical }.count, url: SiteURL.canvas.path))
            counts.append(.init(label: "Canvas findings (all)", value: findings.count, url: SiteURL.canvas.path))
        }
        // Proposed switch-offs and failed writes wait for an admin's click, here or on the Canvas page.
        let waiting = try await req.operations.enforcement.list(CanvasWriteQuery(states: [.proposed, .failed], limit: 1000))
        if !waiting.isEmpty { counts.append(.init(label: "Canvas changes waiting (proposed or failed)", value: waiting.count, url: SiteURL.canvas.path + "#writes")) }
        let mayWrite = Access.editors.allows(user.role) && req.operations.canvas.isConfigured
        let outbox = Access.adminOnly.allows(user.role) ? try await req.operations.mail.summary() : nil
        if let outbox, outbox.undeliverable > 0 {
            counts.append(.init(label: "Mail undeliverable", value: outbox.undeliverable, url: SiteURL.home.path + "#undeliverable-mail"))
        }
        if let outbox, outbox.retrying > 0 {
            counts.append(.init(label: "Mail failing (will retry)", value: outbox.retrying, url: SiteURL.home.path + "#retrying-mail"))
        }
        let canAudit = Access.auditTrail.allows(user.role)
        let recent = canAudit ? try await req.store.audit.latest(8) : []
        let thresholds = req.context.policy.reminderDays
        // The reminders and the work queue are made of the same records: read once for both.
        let records = try await WorkRecords.read(from: req.store)
        let upcoming = Reminders.upcoming(try await req.operations.reminders.subjects(from: records), today: CalendarDay.of(req.now), thresholds: thresholds)
        return try await req.page("dashboard/index", DashboardContext(
            layout: LayoutContext(req, title: "Dashboard"),
            undeliverable: outbox?.recentUndeliverable.map { mail in
                .init(to: mail.to.joined(separator: ", "), subject: mail.subject, attempts: mail.attempts, error: mail.lastError ?? "unknown",
                      queued: Format.dateTime(mail.createdAt), requeueURL: SiteURL.mailRequeue(mail.id).path, nextAttempt: nil)
            }.nonEmpty, undeliverableCount: outbox?.undeliverable ?? 0,
            retrying: outbox?.recentRetrying.map { mail in
                .init(to: mail.to.joined(separator: ", "), subject: mail.subject, attempts: mail.attempts, error: mail.lastError ?? "unknown",
                      queued: Format.dateTime(mail.createdAt), requeueURL: nil, nextAttempt: Format.dateTime(mail.nextAttemptAt))
            }.nonEmpty, retryingCount: outbox?.retrying ?? 0,
            greeting: "Welcome, \(user.name)", role: user.role.label,
            counts: counts, rows: recent.map(AuditRowContext.init), auditURL: canAudit ? SiteURL.audit().path : nil,
            upcoming: upcoming.map { subject, days in
                .init(what: subject.kind.label, title: subject.title, day: subject.day, daysLeft: days,
                      urgency: days <= (thresholds.min() ?? 7) ? "risk-high" : days <= (thresholds.sorted().dropFirst().first ?? 30) ? "risk-medium" : "risk-low",
                      url: SiteURL.link(subject.link, for: user.role))
            }.nonEmpty,
            horizon: thresholds.max() ?? 90,
            queue: try await req.operations.queues.items(for: user, from: records).map { item in
                .init(kind: item.kind.label, kindKey: item.kind.rawValue, title: item.title, detail: item.detail, due: item.due, overdue: item.overdue,
                      url: SiteURL.link(item.target))
            }.nonEmpty,
            writes: waiting.prefix(20).map { CanvasPageContext.WriteRow($0, mayAct: mayWrite) }.nonEmpty))
    }
}

