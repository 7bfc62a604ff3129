import Domain
import Foundation

/// Reads everything the issuance gate looks at for one integration and evaluates it.
public struct Gates: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    public func evaluate(_ integration: Integration) async throws -> Gate {
        let store = environment.store
        guard let vendor = try await store.vendors.find(integration.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        let contracts = try await store.contracts.all(ContractQuery(vendorID: vendor.id))
        var owner: User?
        if let ownerID = integration.fields.ownerID { owner = try await store.users.find(ownerID) }
        let reviews = try await store.reviews.reviews(integration.id)
        let findings = try await store.reviews.findings(of: reviews.filter(\.isDecided).map(\.id))
        let input = GateInput(
            today: CalendarDay.of(environment.now()), vendor: vendor, contracts: contracts, integration: integration, owner: owner,
            whitelist: try await store.integrations.whitelist(integration.id, version: nil),
            acceptance: try await store.integrations.whitelistAcceptance(integration.id),
            questionnaires: environment.questionnaires, answers: try await store.answers.answers(integration.id),
            reviews: reviews, findings: findings)
        return Gate.evaluate(input, policy: environment.policy)
    }
}
