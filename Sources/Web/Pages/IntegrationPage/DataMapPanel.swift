import Domain
import Operations

/// The data map as the integration page shows it: each element of student or staff data, whether the integration
/// receives or changes it, and what causes it. Built from records the page has read already.
struct DataMapPanel: Encodable {
    struct Row: Encodable {
        let element: String
        let access: String
        let personal: Bool
        let causes: [String]
    }

    let sources: String
    let rows: [Row]
    /// Leaf counts an empty list as true.
    let hasRows: Bool
    let personalCount: Int
    let apiURL: String
    var exhibitBURL = ""

    static func load(_ scope: PanelScope) -> DataMapPanel {
        var panel = DataMapPanel(scope.dataMap, apiURL: "/api/v1/integrations/\(scope.id)/data-map")
        panel.exhibitBURL = SiteURL.exhibitB(scope.id).path
        return panel
    }

    init(_ reading: DataMapReading, apiURL: String) {
        sources = reading.sources
        rows = reading.map.items.map { Row(element: $0.element.label, access: $0.accessLabel, personal: $0.element.isPersonal, causes: $0.causes) }
        hasRows = !rows.isEmpty
        personalCount = reading.map.personal.count
        self.apiURL = apiURL
    }
}

/// Where the vendor's answers disagree with what the integration touches, as findings on the integration page.
struct ContradictionsPanel: Encodable {
    struct Item: Encodable {
        let kind: String
        let title: String
        let claims: [String]
        let evidence: [String]
    }

    let items: [Item]
    /// Leaf counts an empty list as true.
    let hasItems: Bool

    static func load(_ scope: PanelScope) async throws -> ContradictionsPanel {
        let found = try await scope.req.operations.dataMaps.contradictions(for: scope.integration, reading: scope.dataMap, answers: scope.records.answers,
                                                                          lti: .some(scope.ltiHistory.first), hecvat: .some(scope.hecvatHistory.first))
        return ContradictionsPanel(items: found.map { Item(kind: $0.kind.rawValue, title: $0.title, claims: $0.claims, evidence: $0.evidence) },
                                   hasItems: !found.isEmpty)
    }
}
