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

    var linkParameters: [String: String] {
        let q = query
        return ["q": q.search ?? "", "status": q.status?.rawValue ?? "", "kind": q.kind?.rawValue ?? "",
                "risk": q.risk?.description ?? "", "vendor": q.vendorID?.description ?? ""]
    }
}
