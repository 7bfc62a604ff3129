import Domain
import Foundation

/// The public list of approved tools, read with a fixed number of queries. The web layer caches it.
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
        let ltiTools = integrations.filter { $0.fields.kind == .lti13 || $0.fields.kind == .lti11 }.map(\.id)
        let configurations = try await store.lti.latest(of: ltiTools)
        var tools: [PublicTool] = []
        for integration in integrations {
            guard let vendor = vendors[integration.vendorID] else { continue }
            if let tool = PublicTool(integration: integration, vendor: vendor, whitelist: whitelists[integration.id], lti: configurations[integration.id]?.configuration,
                                     reviews: reviews[integration.id] ?? []) {
                tools.append(tool)
            }
        }
        return PublicList(tools)
    }
}
