import Domain
import Vapor

/// The public list of approved tools as `public/tools.leaf` shows it.
struct PublicListContext: Encodable {
    struct Tool: Encodable {
        let name: String
        let vendor: String
        let purpose: String
        let data: [String]
        let hasData: Bool
        let privacyLevel: String?
        let lastReviewedOn: String?
        let privacyPolicyURL: String?
        let scope: String
    }

    struct AccountLink: Encodable {
        let name: String
        let url: String
        let current: Bool
    }

    let layout: LayoutContext
    let institution: String
    let heading: String
    let tools: [Tool]
    let hasTools: Bool
    let accounts: [AccountLink]
    let hasAccounts: Bool

    init(_ req: Request, list: PublicList, account: String?) {
        institution = req.context.config.institutionName
        heading = account.map { "Approved tools in \($0)" } ?? "Approved tools"
        layout = LayoutContext(req, title: heading)
        tools = list.tools(in: account).map {
            Tool(name: $0.name, vendor: $0.vendor, purpose: $0.purpose, data: $0.data, hasData: !$0.data.isEmpty, privacyLevel: $0.privacyLevel,
                 lastReviewedOn: $0.lastReviewedOn, privacyPolicyURL: $0.privacyPolicyURL, scope: $0.subAccount ?? "Whole institution")
        }
        hasTools = !tools.isEmpty
        accounts = [AccountLink(name: "Whole institution", url: SiteURL.publicList(account: nil).path, current: account == nil)]
            + list.subAccounts.map { AccountLink(name: $0, url: SiteURL.publicList(account: $0).path, current: $0 == account) }
        hasAccounts = accounts.count > 1
    }
}
