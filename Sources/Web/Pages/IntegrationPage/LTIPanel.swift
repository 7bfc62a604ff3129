import Domain

/// The current LTI tool configuration as the integration page shows it.
struct LTIPanel: Encodable {
    let version: Int
    let title: String
    let facts: [FactRow]
    let personalData: Bool
    let scopes: [String]?
    let widening: [String]?
    let history: Int
}

extension LTIPanel {
    /// The newest configuration, with what it sends and how far it reaches; nil before the first import.
    init?(_ history: [StoredLTIConfiguration]) {
        guard let current = history.first else { return nil }
        let c = current.configuration
        self.init(
            version: current.version, title: c.title,
            facts: [
                .init(label: "LTI version", value: c.ltiVersion), .init(label: "Privacy level", value: c.privacyLevel.label),
                .init(label: "Placements", value: c.placements.isEmpty ? "none" : c.placements.joined(separator: ", ")),
                .init(label: "Launch URL", value: c.targetLinkURI ?? "—"), .init(label: "OIDC login URL", value: c.oidcInitiationURL ?? "—"),
                .init(label: "Domains", value: c.domains.joined(separator: ", ")),
                .init(label: "Imported", value: "\(Format.dateTime(current.importedAt)) by \(current.importedBy) from “\(current.filename)”"),
            ],
            personalData: c.privacyLevel.sendsPersonalData, scopes: c.scopes.map(LTIConfiguration.describe(scope:)).nonEmpty,
            widening: current.widening.nonEmpty, history: history.count)
    }
}
