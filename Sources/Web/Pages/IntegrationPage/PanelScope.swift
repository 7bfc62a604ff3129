import Domain
import Vapor

/// What every panel may read, loaded once per page: the integration, who is looking, and the
/// people (owner, reviewers and the names reviews show) in one query.
struct PanelScope {
    let req: Request
    let integration: Integration
    let role: Role?
    let users: [User]

    static func load(_ req: Request, _ integration: Integration) async throws -> PanelScope {
        PanelScope(req: req, integration: integration, role: req.currentUser?.role, users: try await req.store.users.list())
    }

    var id: Integration.ID { integration.id }
    var store: Store { req.store }
    var now: Date { req.now }
    var canEdit: Bool { Access.editors.allows(role) }
    func user(_ id: User.ID?) -> User? { id.flatMap { id in users.first { $0.id == id } } }
}
