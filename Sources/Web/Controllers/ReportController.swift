import Domain
import Operations
import Persistence
import Vapor

/// Generated reports for procurement: a stable URL each, printable, and downloadable as one
/// self-contained HTML file (`?download=1`).
struct ReportController: Sendable {
    func index(req: Request) async throws -> Response {
        let vendors = try await req.store.vendors.allNames()
        return try await req.page("reports/index", ReportIndexContext(
            layout: LayoutContext(req, title: "Reports"),
            reports: [
                .init(title: "Portfolio", description: "Every integration by status, kind and risk.", url: SiteURL.reportPortfolio.path),
                .init(title: "Renewals and re-reviews", description: "Contracts ending and reviews or keys due in the next 90, 30 and 7 days.",
                      url: SiteURL.reportRenewals.path),
                .init(title: "Token and key hygiene", description: "Token policy violations, inherited keys on without review, scope changed since release, scope drift in request logs.",
                      url: SiteURL.reportHygiene.path),
            ],
            vendors: vendors.map { SelectOption(value: SiteURL.reportPacket($0.id).path, label: $0.name, selected: false) },
            packetURL: "/reports/vendors"))
    }

    func packet(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        let context = try await ReportData.packet(req, vendor, header: try await header(req, title: "Vendor review packet", subtitle: vendor.fields.name,
                                                                                     url: SiteURL.reportPacket(vendor.id)))
        return try await render(req, "reports/packet", context, filename: "vendor-review-packet-\(Self.slug(vendor.fields.name))")
    }

    func portfolio(req: Request) async throws -> Response {
        let context = try await ReportData.portfolio(req, header: try await header(req, title: "Integration portfolio", subtitle: nil, url: .reportPortfolio))
        return try await render(req, "reports/portfolio", context, filename: "integration-portfolio")
    }

    func renewals(req: Request) async throws -> Response {
        let header = try await header(req, title: "Renewals and re-reviews", subtitle: nil, url: .reportRenewals)
        let thresholds = req.context.policy.reminderDays.sorted()
        let upcoming = Reminders.upcoming(try await req.operations.reminders.subjects(), today: CalendarDay.of(req.now), thresholds: thresholds)
        var lower = -1
        let windows = thresholds.map { limit -> RenewalsContext.Window in
            let rows = upcoming.filter { $0.1 > lower && $0.1 <= limit }.map {
                RenewalsContext.Row(day: $0.0.day, daysLeft: $0.1, what: $0.0.kind.label, title: $0.0.title)
            }
            defer { lower = limit }
            return .init(title: lower < 0 ? "Within \(limit) days" : "In \(lower + 1) to \(limit) days", rows: rows.nonEmpty)
        }
        return try await render(req, "reports/renewals", RenewalsContext(header: header, windows: windows), filename: "renewals-and-re-reviews")
    }

    func hygiene(req: Request) async throws -> Response {
        let context = try await ReportData.hygiene(req, header: try await header(req, title: "Token and key hygiene", subtitle: nil, url: .reportHygiene))
        return try await render(req, "reports/hygiene", context, filename: "token-and-key-hygiene")
    }

    // MARK: Helpers

    private func header(_ req: Request, title: String, subtitle: String?, url: SiteURL) async throws -> ReportHeader {
        let latest = try await req.store.audit.latest(1).first
        return ReportHeader(title: title, subtitle: subtitle, generatedAt: Format.dateTime(req.now),
                            asOf: latest.map { "\(Format.dateTime($0.occurredAt)) (audit event #\($0.sequence))" } ?? "no recorded changes",
                            downloadURL: url.path + "?download=1", indexURL: SiteURL.reports.path,
                            institution: req.context.config.institutionName, isDownload: (try? req.query.get(String.self, at: "download")) == "1")
    }

    private func render(_ req: Request, _ template: String, _ context: some Encodable, filename: String) async throws -> Response {
        let response = try await req.page(template, context)
        if (try? req.query.get(String.self, at: "download")) == "1" {
            let day = CalendarDay.of(req.now)
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)-\(day).html\"")
        }
        return response
    }

    static func slug(_ name: String) -> String {
        let words = name.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" }
        let text = String(words).split(separator: "-").joined(separator: "-")
        return text.isEmpty ? "vendor" : String(text.prefix(60))
    }
}
