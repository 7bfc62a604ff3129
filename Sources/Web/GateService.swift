import Domain
import Persistence
import Vapor

/// Reads everything the gate looks at for one integration and evaluates it.
enum GateService {
    static func evaluate(_ req: Request, _ integration: Integration) async throws -> Gate {
        let store = req.store
        guard let vendor = try await store.vendors.find(integration.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        let contracts = try await store.contracts.all(ContractQuery(vendorID: vendor.id))
        let owner = try await integration.fields.ownerID.asyncMap { try await store.users.find($0) } ?? nil
        let reviews = try await store.reviews.reviews(integration.id)
        var findings: [Review.ID: [Finding]] = [:]
        for review in reviews where review.isDecided { findings[review.id] = try await store.reviews.findings(review.id) }
        let input = GateInput(
            today: CalendarDay.of(req.now), vendor: vendor, contracts: contracts, integration: integration, owner: owner,
            whitelist: try await store.integrations.whitelist(integration.id, version: nil),
            acceptance: try await store.integrations.whitelistAcceptance(integration.id),
            questionnaires: req.context.questionnaires, answers: try await store.answers.answers(integration.id),
            reviews: reviews, findings: findings)
        return Gate.evaluate(input, policy: req.context.policy)
    }

    static func link(_ fix: GateFix?) -> String? {
        guard let fix else { return nil }
        switch fix {
        case let .editVendor(id): return SiteURL.editVendor(id).path
        case let .newContract(id): return SiteURL.newContract(id).path
        case let .contract(id): return SiteURL.contract(id).path
        case let .editIntegration(id): return SiteURL.editIntegration(id).path
        case let .whitelist(id): return SiteURL.whitelist(id).path
        case let .questionnaire(id, q): return SiteURL.answers(id, q).path
        case let .reviews(id): return SiteURL.integration(id).path + "#reviews"
        case let .review(id): return SiteURL.review(id).path
        }
    }
}
