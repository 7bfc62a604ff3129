import Domain
import Foundation

/// The endpoint whitelist: saving a new version (each line checked against the catalog) and a
/// reviewer accepting one (never the integration's owner).
public struct WhitelistReviews: Sendable {
    private let environment: OperationEnvironment
    private let catalog: Catalog

    private let watch: GateWatch

    init(_ environment: OperationEnvironment, catalog: Catalog, watch: GateWatch) {
        self.watch = watch
        self.environment = environment
        self.catalog = catalog
    }

    /// Resolves each declaration against the catalog and saves a new version when anything differs.
    public func save(_ declarations: [EndpointDeclaration], for integration: Integration, expectedVersion: Int, by actor: Actor) async throws -> WhitelistVersion {
        let entries = try Whitelist.resolve(declarations, checker: EndpointChecker(matcher: try await catalog.matcher()))
        let saved = try await environment.store.integrations.saveWhitelist(
            entries, for: integration.id, expectedWhitelistVersion: expectedVersion, by: actor, at: environment.now())
        await watch.recheck(integration.id, after: "the endpoint whitelist changed (version \(saved.number))")
        return saved
    }

    public func accept(version: Int, of integration: Integration, by user: User) async throws -> WhitelistAcceptance {
        let acceptance = try await environment.store.integrations.acceptWhitelist(integration.id, version: version, by: Actor(user: user), userID: user.id,
                                                                                  at: environment.now())
        await watch.recheck(integration.id, after: "whitelist version \(version) was accepted")
        return acceptance
    }

    /// Two versions (default: the last two) and what changed between them.
    public func diff(_ integration: Integration, from: Int?, to: Int?) async throws -> (from: Int, to: Int, diff: WhitelistDiff) {
        let to = to ?? integration.whitelistVersion
        let from = from ?? max(0, to - 1)
        let repository = environment.store.integrations
        let old = from > 0 ? try await repository.whitelist(integration.id, version: from) : nil
        guard let new = try await repository.whitelist(integration.id, version: to), from == 0 || old != nil else {
            throw DomainError.notFound(entity: "whitelist version")
        }
        return (from, to, WhitelistDiff(from: old?.entries ?? [], to: new.entries))
    }
}
