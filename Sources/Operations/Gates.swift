import Domain
import Foundation

/// Reads everything the issuance gate looks at for one integration and evaluates it.
public struct Gates: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    public func evaluate(_ integration: Integration) async throws -> Gate {
        evaluate(try await input(for: integration))
    }

    /// Everything the gate looks at for `integration`, read once; a page that shows these records too
    /// (the integration page) reads them from here. `users`, when the caller has them, saves a read.
    public func input(for integration: Integration, users: [User]? = nil) async throws -> GateInput {
        let store = environment.store
        guard let vendor = try await store.vendors.find(integration.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        let contracts = try await store.contracts.all(ContractQuery(vendorID: vendor.id))
        var owner: User?
        if let ownerID = integration.fields.ownerID {
            if let users { owner = users.first { $0.id == ownerID } } else { owner = try await store.users.find(ownerID) }
        }
        let reviews = try await store.reviews.reviews(integration.id)
        let findings = try await store.reviews.findings(of: reviews.filter(\.isDecided).map(\.id))
        return GateInput(
            today: CalendarDay.of(environment.now()), vendor: vendor, contracts: contracts, integration: integration, owner: owner,
            whitelist: try await store.integrations.whitelist(integration.id, version: integration.whitelistVersion),
            acceptance: try await store.integrations.whitelistAcceptance(integration.id),
            questionnaires: environment.questionnaires, answers: try await store.answers.answers(integration.id),
            reviews: reviews, findings: findings, hecvatUnmet: try await hecvatUnmet(of: [integration.id])[integration.id])
    }

    /// The non-negotiables each integration's newest HECVAT misses; read only when the policy names some.
    private func hecvatUnmet(of ids: [Integration.ID]) async throws -> [Integration.ID: [String]] {
        guard !environment.policy.hecvat.nonNegotiable.isEmpty else { return [:] }
        return try await environment.store.hecvat.latest(of: ids).compactMapValues { stored in
            HECVATReport(history: [stored], bank: environment.hecvatBank, policy: environment.policy.hecvat)?.unmetNonNegotiable
        }
    }

    public func evaluate(_ input: GateInput) -> Gate {
        Gate.evaluate(input, policy: environment.policy)
    }

    /// The gates of many integrations with a constant number of queries per batch of 500 (the reads
    /// `evaluate` makes for one, each made once for all of them); the same result as `evaluate` for each.
    /// `users` when the caller has read them already.
    public func evaluateAll(_ integrations: [Integration], users known: [User]? = nil) async throws -> [Integration.ID: Gate] {
        if integrations.isEmpty { return [:] }
        let store = environment.store
        let today = CalendarDay.of(environment.now())
        var gates: [Integration.ID: Gate] = [:]
        let everyone = if let known { known } else { try await store.users.list() }
        let users = Dictionary(everyone.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for start in stride(from: 0, to: integrations.count, by: 500) {
            let batch = Array(integrations[start..<min(start + 500, integrations.count)])
            let ids = batch.map(\.id)
            let vendorIDs = Set(batch.map(\.vendorID))
            let vendors = try await store.vendors.find(vendorIDs)
            let contracts = try await store.contracts.all(ofVendors: vendorIDs)
            let reviews = try await store.reviews.reviews(of: ids)
            let findings = try await store.reviews.findings(of: reviews.values.flatMap { $0.filter(\.isDecided).map(\.id) })
            let whitelists = try await store.integrations.currentWhitelists(batch)
            let acceptances = try await store.integrations.whitelistAcceptances(ids)
            let answers = try await store.answers.answers(of: ids)
            let hecvat = try await hecvatUnmet(of: ids)
            for integration in batch {
                guard let vendor = vendors[integration.vendorID] else { throw DomainError.notFound(entity: "vendor") }
                let mine = reviews[integration.id] ?? []
                let input = GateInput(
                    today: today, vendor: vendor, contracts: contracts[vendor.id] ?? [], integration: integration,
                    owner: integration.fields.ownerID.flatMap { users[$0] }, whitelist: whitelists[integration.id],
                    acceptance: acceptances[integration.id], questionnaires: environment.questionnaires, answers: answers[integration.id] ?? [],
                    reviews: mine, findings: findings.filter { id, _ in mine.contains { $0.id == id } }, hecvatUnmet: hecvat[integration.id])
                gates[integration.id] = Gate.evaluate(input, policy: environment.policy)
            }
        }
        return gates
    }
}
