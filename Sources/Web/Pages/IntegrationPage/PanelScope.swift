import Domain
import Operations
import Vapor

/// What every panel may read, loaded once per page: the integration, who is looking, the people
/// (owner, reviewers and the names reviews show) in one query, and the records the gate looks at —
/// the vendor, contracts, reviews, whitelist and answers the panels show too, each read once — and the
/// key releases and LTI configurations that more than one panel shows.
struct PanelScope {
    let req: Request
    let integration: Integration
    let role: Role?
    let users: [User]
    let records: GateInput
    /// Newest first.
    let releases: [KeyRelease]
    /// Newest first.
    let ltiHistory: [StoredLTIConfiguration]
    /// The data map, from the records above and the scopes the integration's keys have in Canvas.
    let dataMap: DataMapReading
    /// Every HECVAT import, newest first.
    let hecvatHistory: [StoredHECVAT]

    static func load(_ req: Request, _ integration: Integration) async throws -> PanelScope {
        let users = try await req.store.users.list()
        let records = try await req.operations.gates.input(for: integration, users: users)
        let lti = try await req.store.lti.history(integration.id)
        let releases = try await req.store.releases.list(integration.id)
        let synced = try await req.operations.dataMaps.syncedScopes(of: [integration.id], releases: [integration.id: releases])[integration.id]
        return PanelScope(req: req, integration: integration, role: req.currentUser?.role, users: users, records: records,
                          releases: releases, ltiHistory: lti,
                          dataMap: DataMapReading(whitelist: records.whitelist, acceptance: records.acceptance, lti: lti.first, synced: synced),
                          hecvatHistory: try await req.store.hecvat.history(integration.id))
    }

    var id: Integration.ID { integration.id }
    var store: Store { req.store }
    var now: Date { req.now }
    var canEdit: Bool { Access.editors.allows(role) }
    func user(_ id: User.ID?) -> User? { id.flatMap { id in users.first { $0.id == id } } }
}
