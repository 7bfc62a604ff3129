import Foundation

/// One approved tool as the public list shows it to parents, students and anyone else: what it is, who makes it,
/// what it is for, the data it receives in plain words, its LTI privacy level, when it was last reviewed and the
/// vendor's privacy policy. Nothing else is carried, so nothing else can be shown: no findings, reviewers,
/// contracts, conditions or notes.
public struct PublicTool: Equatable, Sendable {
    public let name: String
    public let vendor: String
    public let purpose: String
    /// Element labels, in `DataElement` order; personal data first.
    public let data: [String]
    /// The LTI privacy level in words; nil for tools that are not LTI tools.
    public let privacyLevel: String?
    /// The date of its latest decided review (`YYYY-MM-DD`); nil when none is decided.
    public let lastReviewedOn: String?
    public let privacyPolicyURL: String?
    /// The sub-account it is installed in; nil when it is installed for the whole institution.
    public let subAccount: String?

    /// Integrations in these states are approved for use and listed; every other state is left out.
    public static let listedStatuses: [IntegrationStatus] = [.approved, .approvedWithConditions, .active]

    /// The public entry of an integration, or nil when it is not approved.
    public init?(integration: Integration, vendor: Vendor, whitelist: WhitelistVersion?, lti: LTIConfiguration?, reviews: [Review]) {
        guard Self.listedStatuses.contains(integration.status) else { return nil }
        name = integration.fields.name
        self.vendor = vendor.name
        purpose = integration.fields.purpose
        let map = DataMap(whitelist: whitelist?.entries ?? [], lti: lti)
        data = (map.items.filter(\.element.isPersonal) + map.items.filter { !$0.element.isPersonal }).map(\.element.label)
        privacyLevel = lti?.privacyLevel.label
        lastReviewedOn = reviews.compactMap(\.decision?.decidedOn).max()
        privacyPolicyURL = vendor.fields.privacyPolicyURL
        subAccount = integration.fields.installLevel == .subAccount ? integration.fields.subAccountName.flatMap { $0.isEmpty ? nil : $0 } : nil
    }
}

/// The public list: every approved tool, and the sub-accounts that have tools of their own.
public struct PublicList: Equatable, Sendable {
    /// By name.
    public let tools: [PublicTool]

    public init(_ tools: [PublicTool]) {
        self.tools = tools.sorted { ($0.name.lowercased(), $0.vendor.lowercased()) < ($1.name.lowercased(), $1.vendor.lowercased()) }
    }

    /// Sub-accounts with at least one tool, by name.
    public var subAccounts: [String] { Array(Set(tools.compactMap(\.subAccount))).sorted { $0.lowercased() < $1.lowercased() } }

    /// The tools people in `subAccount` meet: the institution's own and the sub-account's; all of them for nil.
    public func tools(in subAccount: String?) -> [PublicTool] {
        guard let subAccount else { return tools }
        return tools.filter { $0.subAccount == nil || $0.subAccount == subAccount }
    }
}
