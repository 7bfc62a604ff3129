import Domain
import Vapor

struct IntegrationListQuery: Content {
    var q: String?
    var status: String?
    var kind: String?
    var risk: String?
    var vendor: String?
    var page: Int?
    var per_page: Int?

    var query: IntegrationQuery {
        IntegrationQuery(
            search: q, status: status.flatMap(IntegrationStatus.init(rawValue:)), kind: kind.flatMap(IntegrationKind.init(rawValue:)),
            risk: RiskLevel.allCases.first { $0.description == risk }, vendorID: vendor.flatMap(Vendor.ID.init(string:)),
            page: PageRequest(page: page, size: per_page))
    }

    /// The web list also takes part of a vendor's name in `vendor` (a vendor's id still picks that vendor).
    var pageQuery: IntegrationQuery {
        var query = query
        if query.vendorID == nil { query.vendorName = IntegrationQuery(vendorName: vendor).vendorName }
        return query
    }

    var linkParameters: [String: String] {
        let q = pageQuery
        return ["q": q.search ?? "", "status": q.status?.rawValue ?? "", "kind": q.kind?.rawValue ?? "",
                "risk": q.risk?.description ?? "", "vendor": q.vendorID?.description ?? q.vendorName ?? ""]
    }
}
