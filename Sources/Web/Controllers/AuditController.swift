import Domain
import Persistence
import Vapor

struct AuditController: Sendable {
    func index(req: Request) async throws -> Response {
        let input = try req.query.decode(AuditListQuery.self)
        var filterError: String?
        func day(_ raw: String?, plusOne: Bool) -> Date? {
            let text = Check.trimmed(raw)
            if text.isEmpty { return nil }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let date = formatter.date(from: text) else {
                filterError = "Dates must look like 2026-11-23."
                return nil
            }
            return plusOne ? date.addingTimeInterval(86_400) : date
        }
        let query = AuditQuery(
            entityType: input.entityType, entityID: input.entityID, action: input.action, actor: input.actor,
            from: day(input.from, plusOne: false), to: day(input.to, plusOne: true), page: PageRequest(page: input.page))
        let page = try await req.store.audit.list(query)
        let types = try await req.store.audit.distinctEntityTypes()
        let base = [
            "entityType": query.entityType ?? "", "entityID": query.entityID ?? "", "action": query.action ?? "",
            "actor": query.actor ?? "", "from": input.from ?? "", "to": input.to ?? "",
        ]
        return try await req.page("audit/index", AuditContext(
            layout: LayoutContext(req, title: "Audit trail"),
            rows: page.items.map(AuditRowContext.init),
            entityTypeOptions: [SelectOption(value: "", label: "All records", selected: query.entityType == nil)]
                + types.map { SelectOption(value: $0, label: $0, selected: $0 == query.entityType) },
            action: query.action ?? "", actor: query.actor ?? "", entityID: query.entityID ?? "",
            from: input.from ?? "", to: input.to ?? "",
            pager: PagerContext(page, link: { SiteURL.audit(query: base.merging(["page": String($0)]) { $1 }).path }, noun: "events"),
            filterError: filterError), status: filterError == nil ? .ok : .unprocessableEntity)
    }
}
