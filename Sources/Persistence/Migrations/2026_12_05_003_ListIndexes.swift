extension LookupIndexes {
    /// The lists' first pages in their order (name, then id) without sorting the whole table (3 ms for 10,000
    /// integrations), and the portfolio's counts by status, kind and risk from an index alone.
    static let lists = LookupIndexes(name: "2026_12_05_003_ListIndexes", indexes: [
        ("integrations_portfolio", "integrations", ["status", "kind", "risk"], nil),
        ("integrations_list", "integrations", ["name_key", "id"], nil),
        ("contracts_list", "contracts", ["title_key", "id"], nil),
    ])
}
