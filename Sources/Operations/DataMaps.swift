import Domain
import Foundation

/// What student and staff data an integration receives or changes, read from its whitelist, the acceptance and its
/// newest LTI configuration (three reads).
public struct DataMaps: Sendable {
    let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    public func reading(for integration: Integration) async throws -> DataMapReading {
        let store = environment.store
        return DataMapReading(
            whitelist: try await store.integrations.whitelist(integration.id, version: integration.whitelistVersion),
            acceptance: try await store.integrations.whitelistAcceptance(integration.id),
            lti: try await store.lti.history(integration.id).first)
    }
}
