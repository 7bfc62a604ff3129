import Domain
import Operations
import Vapor

/// `/approved-tools` (`PUBLIC_LIST=on`): the approved tools, for anyone, without sign-in. The list is read at most
/// once every `PublicListCache.lifetime` per instance.
struct PublicListController: Sendable {
    func show(req: Request) async throws -> Response {
        guard req.context.config.publicList else { throw Abort(.notFound) }
        let list = try await req.context.publicListCache.list(now: req.now) { try await req.operations.publicTools.list() }
        let asked = req.query[String.self, at: "account"].map { String($0.prefix(200)) }.flatMap { $0.isEmpty ? nil : $0 }
        let account = asked.flatMap { name in list.subAccounts.first { $0 == name } }
        if asked != nil, account == nil { throw Abort(.notFound, reason: "No approved tools are listed for that sub-account.") }
        // Cached here, not by shared caches: the page may carry a session cookie like every other page.
        return try await req.page("public/tools", PublicListContext(req, list: list, account: account))
    }
}

/// The list as last read, kept for a few minutes so that a public page cannot be used to load the database.
actor PublicListCache {
    static let lifetime: TimeInterval = 300
    private var cached: (list: PublicList, readAt: Date)?

    func list(now: Date, read: @Sendable () async throws -> PublicList) async throws -> PublicList {
        if let cached, now.timeIntervalSince(cached.readAt) < Self.lifetime, now >= cached.readAt { return cached.list }
        let fresh = try await read()
        cached = (fresh, now)
        return fresh
    }
}

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
