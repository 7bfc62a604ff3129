import Domain

extension ContractRow {
    /// A contract as the lists show it.
    init(_ contract: Contract, vendor: String) {
        let present = ClauseKind.allCases.filter { contract.fields.clause($0).present }.count
        self.init(title: contract.fields.title, url: SiteURL.contract(contract.id).path, vendor: vendor, kind: contract.fields.kind.label,
                           status: contract.fields.status.label, statusKey: contract.fields.status.rawValue, ends: contract.fields.endsOn ?? "—",
                           clausesPresent: "\(present) of \(ClauseKind.allCases.count)")
    }
}
