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

    var linkParameters: [String: String] {
        let q = query
        return ["q": q.search ?? "", "status": q.status?.rawValue ?? "", "kind": q.kind?.rawValue ?? "", "vendor": q.vendorID?.description ?? ""]
    }
}
