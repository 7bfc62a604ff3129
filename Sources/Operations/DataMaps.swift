import Domain
import Foundation

/// What student and staff data an integration receives or changes, read from its whitelist, the acceptance and its
/// newest LTI configuration (three reads).
public struct DataMaps: Sendable {
    let environment: OperationEnvironment
    let catalog: Catalog

    init(_ environment: OperationEnvironment, catalog: Catalog) {
        self.environment = environment
        self.catalog = catalog
    }

    public func reading(for integration: Integration) async throws -> DataMapReading {
        let store = environment.store
        return DataMapReading(
            whitelist: try await store.integrations.whitelist(integration.id, version: integration.whitelistVersion),
            acceptance: try await store.integrations.whitelistAcceptance(integration.id),
            lti: try await store.lti.history(integration.id).first, synced: try await syncedScopes(of: [integration.id])[integration.id])
    }

    /// The scopes each integration's released keys have in Canvas, as the newest sync read them, with their endpoints'
    /// data kinds (one read of the sync, one of the releases). An integration without a released key the sync saw is
    /// left out.
    public func syncedScopes(of integrations: [Integration.ID], releases known: [Integration.ID: [KeyRelease]]? = nil) async throws
        -> [Integration.ID: [SyncedScope]] {
        let store = environment.store
        guard !integrations.isEmpty, let snapshot = try await store.canvas.latestRead()?.snapshot, snapshot.didRead(.developerKeys) else { return [:] }
        let releases = if let known { known } else { try await store.releases.list(of: integrations) }
        let keys = Dictionary(snapshot.keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var catalogKinds: (matcher: EndpointMatcher, byKey: [String: Set<DataKind>])?
        var found: [Integration.ID: [SyncedScope]] = [:]
        for id in integrations {
            let keyIDs = Set((releases[id] ?? []).compactMap(\.details?.canvasKeyID))
            let seen = keyIDs.sorted().compactMap { keys[$0] }
            guard !seen.isEmpty else { continue }
            if catalogKinds == nil {
                let matcher = try await catalog.matcher()
                catalogKinds = (matcher, Self.kinds(in: matcher))
            }
            var scopes: [SyncedScope] = []
            for key in seen {
                for raw in key.scopes ?? [] {
                    guard let (verb, path) = SyncedScope.parse(raw) else { continue }
                    let kinds = catalogKinds.flatMap { $0.byKey[verb.rawValue + " " + path] ?? $0.matcher.match(verb, path)?.kinds } ?? []
                    scopes.append(SyncedScope(keyID: key.id, verb: verb, path: path, kinds: kinds))
                }
            }
            found[id] = scopes
        }
        return found
    }

    /// Where the vendor's answers (ours and its newest HECVAT) disagree with what the integration touches: the data map,
    /// the LTI configuration and the calls the newest drift scan saw outside the whitelist.
    /// `answers`, `lti` and `hecvat` when the caller has read them already (the integration page), saving those reads.
    public func contradictions(for integration: Integration, reading known: DataMapReading? = nil, answers knownAnswers: [Answer]? = nil,
                               lti knownLTI: StoredLTIConfiguration?? = nil, hecvat knownHECVAT: StoredHECVAT?? = nil) async throws -> [Contradiction] {
        let store = environment.store
        let reading = if let known { known } else { try await reading(for: integration) }
        let answers = if let knownAnswers { knownAnswers } else { try await store.answers.answers(integration.id) }
        return try await contradictions(for: [integration], maps: [integration.id: reading.map], answers: [integration.id: answers],
                                        lti: knownLTI.map { [integration.id: $0].compactMapValues { $0 } },
                                        hecvat: knownHECVAT.map { [integration.id: $0].compactMapValues { $0 } })[integration.id] ?? []
    }

    /// The contradictions of several integrations whose data maps and answers the caller has read, with a constant
    /// number of queries (a vendor's packet).
    public func contradictions(for integrations: [Integration], maps: [Integration.ID: DataMap], answers: [Integration.ID: [Answer]],
                               lti knownLTI: [Integration.ID: StoredLTIConfiguration]? = nil,
                               hecvat knownHECVAT: [Integration.ID: StoredHECVAT]? = nil) async throws
        -> [Integration.ID: [Contradiction]] {
        let store = environment.store
        let ids = integrations.map(\.id)
        let lti = if let knownLTI { knownLTI } else { try await store.lti.latest(of: ids) }
        let hecvat = if let knownHECVAT { knownHECVAT } else { try await store.hecvat.latest(of: ids) }
        let drift = try await store.drift.latest(for: ids)
        var kinds: [String: Set<DataKind>] = [:]
        if drift.values.contains(where: { !$0.1.findings.isEmpty }) {
            kinds = Self.kinds(in: try await catalog.matcher())
        }
        var found: [Integration.ID: [Contradiction]] = [:]
        for id in ids {
            let observed = (drift[id]?.1.findings ?? []).filter { $0.kind == .outOfScope }.map { finding in
                ObservedCall(method: finding.method, endpoint: finding.endpoint, count: finding.count,
                             elements: Array(Set((kinds[finding.method + " " + finding.endpoint] ?? []).flatMap { DataElement.of($0) })).sorted())
            }
            found[id] = Contradictions.find(answers: answers[id] ?? [], hecvat: hecvat[id]?.workbook, map: maps[id] ?? DataMap(whitelist: [], lti: lti[id]?.configuration),
                                            lti: lti[id]?.configuration, observed: observed)
        }
        return found
    }

    /// NDPA Exhibit B for the integration: the data map's elements beside what the vendor's agreement lists. The
    /// agreement is the vendor's signed contract that records its Exhibit B (a data privacy agreement before
    /// other kinds, then the most recently signed); nil when none does.
    public func exhibitB(for integration: Integration) async throws -> (schedule: ExhibitBSchedule, agreement: Contract?, reading: DataMapReading) {
        let reading = try await reading(for: integration)
        let contracts = try await environment.store.contracts.all(ContractQuery(vendorID: integration.vendorID))
        let agreement = contracts.filter { $0.fields.exhibitB != nil && $0.fields.status == .signed }.max { a, b in
            let aDPA = a.fields.kind == .dataPrivacyAgreement, bDPA = b.fields.kind == .dataPrivacyAgreement
            if aDPA != bDPA { return bDPA }
            return (a.fields.signedOn ?? "") < (b.fields.signedOn ?? "")
        }
        return (ExhibitBSchedule(map: reading.map, declared: agreement?.fields.exhibitB), agreement, reading)
    }

    /// The catalog's data kinds by "METHOD template", as drift findings and Canvas scopes name endpoints.
    static func kinds(in matcher: EndpointMatcher) -> [String: Set<DataKind>] {
        Dictionary(matcher.entries.map { ($0.verb.rawValue + " " + $0.template.text, $0.kinds) }, uniquingKeysWith: { first, _ in first })
    }
}
