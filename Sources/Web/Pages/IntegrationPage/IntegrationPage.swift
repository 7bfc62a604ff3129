import Domain
import Operations
import Vapor

/// The integration page: one context made of panels, each with its own loader and partial
/// (`templates/integrations/_<panel>.leaf`). Every handler that shows it — the page itself and each
/// sub-form that failed or has something to show once — goes through `render`.
enum IntegrationPage {
    /// What the page shows besides the stored records: a sub-form that came back with errors, or a
    /// new answer link shown once.
    enum State {
        case plain
        case statusFailed(errors: [String: String])
        case linkCreated(LinksPanel.NewLink)
        case linkFailed(values: [String: String], errors: [String: String])
        case reviewFailed(values: [String: String], errors: [String: String])
        case releaseRefused(String)
        case ltiFailed(String)
        case identityFailed(values: [String: String], errors: [String: String])
    }

    static func render(_ req: Request, _ integration: Integration, _ state: State = .plain, status: HTTPStatus = .ok) async throws -> Response {
        try await req.page("integrations/show", try await context(req, integration, state), status: status)
    }

    static func context(_ req: Request, _ integration: Integration, _ state: State) async throws -> IntegrationPageContext {
        let scope = try await PanelScope.load(req, integration)
        return IntegrationPageContext(
            layout: LayoutContext(req, title: integration.fields.name),
            facts: try await FactsPanel.load(scope),
            status: StatusPanel.load(scope, state),
            gate: try await GatePanel.load(scope, state),
            releases: try await ReleasesPanel.load(scope),
            lti: try await LTISection.load(scope, state),
            drift: try await DriftPanel.load(scope),
            identity: try await LogIdentityPanel.load(scope, state),
            questionnaires: try await QuestionnairesPanel.load(scope),
            reviews: try await ReviewsPanel.load(scope, state),
            links: try await LinksPanel.load(scope, state))
    }
}

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
    var canEdit: Bool { Routes.editorAccess.allows(role) }
    func user(_ id: User.ID?) -> User? { id.flatMap { id in users.first { $0.id == id } } }
}

struct IntegrationPageContext: Encodable {
    let layout: LayoutContext
    let facts: FactsPanel
    let status: StatusPanel?
    let gate: GatePanel
    let releases: ReleasesPanel
    let lti: LTISection?
    let drift: DriftPanel
    let identity: LogIdentityPanel
    let questionnaires: QuestionnairesPanel
    let reviews: ReviewsPanel
    let links: LinksPanel?
}
