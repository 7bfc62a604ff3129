import Domain

extension IntegrationRow {
    /// An integration as the lists show it.
    init(_ integration: Integration, vendor: String) {
        self.init(
            name: integration.fields.name, url: SiteURL.integration(integration.id).path, vendor: vendor,
            vendorURL: SiteURL.vendor(integration.vendorID).path, kind: integration.fields.kind.label,
            status: integration.status.label, statusKey: integration.status.rawValue,
            risk: integration.risk?.description ?? "not declared", riskKey: integration.risk?.description ?? "none")
    }
}
