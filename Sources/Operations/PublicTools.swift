import Domain
import Foundation

/// The public list of approved tools, read with a fixed number of queries plus one per approved LTI tool (its newest
/// configuration). The web layer caches it.
public struct PublicTools: Sendable {
    let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    public func list() async throws -> PublicList {
        let store = environment.store
        var integrations: [Integration] = []
        for status in PublicTool.listedStatuses {
            integrations += try await store.integrations.all(IntegrationQuery(status: status))
        }
        guard !integrations.isEmpty else { return PublicList([]) }
        let ids = integrations.map(\.id)
        let vendors = try await store.vendors.find(Set(integrations.map(\.vendorID)))
        let whitelists = try await store.integrations.currentWhitelists(integrations)
        let reviews = try await store.reviews.reviews(of: ids)
        var tools: [PublicTool] = []
        for integration in integrations {
            guard let vendor = vendors[integration.vendorID] else { continue }
            var lti: LTIConfiguration?
            if integration.fields.kind == .lti13 || integration.fields.kind == .lti11 {
                lti = try await store.lti.history(integration.id).first?.configuration
            }
            if let tool = PublicTool(integration: integration, vendor: vendor, whitelist: whitelists[integration.id], lti: lti,
                                     reviews: reviews[integration.id] ?? []) {
                tools.append(tool)
            }
        }
        return PublicList(tools)
    }
}
