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
