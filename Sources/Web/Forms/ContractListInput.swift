import Domain
import Vapor

struct ContractListInput: Content {
    var q: String?
    var status: String?
    var kind: String?
    var vendor: String?
    var page: Int?
    var per_page: Int?

    var query: ContractQuery {
        ContractQuery(search: q, status: status.flatMap(ContractStatus.init(rawValue:)), kind: kind.flatMap(ContractKind.init(rawValue:)),
                      vendorID: vendor.flatMap(Vendor.ID.init(string:)), page: PageRequest(page: page, size: per_page))
    }

    /// The web list also takes part of a vendor's name in `vendor` (a vendor's id still picks that vendor).
    var pageQuery: ContractQuery {
        var query = query
        if query.vendorID == nil { query.vendorName = ContractQuery(vendorName: vendor).vendorName }
        return query
    }

    var linkParameters: [String: String] {
        let q = pageQuery
        return ["q": q.search ?? "", "status": q.status?.rawValue ?? "", "kind": q.kind?.rawValue ?? "", "vendor": q.vendorID?.description ?? q.vendorName ?? ""]
    }
}
