import Domain
import Operations
import Vapor

/// The integration page: one context made of panels, each with its own loader and partial
/// (`templates/integrations/_<panel>.leaf`). Every handler that shows it — the page itself and each
/// sub-form that failed or has something to show once — goes through `render`.
enum IntegrationPage {
    static func render(_ req: Request, _ integration: Integration, _ state: IntegrationPageState = .plain, status: HTTPStatus = .ok) async throws -> Response {
        try await req.page("integrations/show", try await context(req, integration, state), status: status)
    }

    static func context(_ req: Request, _ integration: Integration, _ state: IntegrationPageState) async throws -> IntegrationPageContext {
        let scope = try await PanelScope.load(req, integration)
        let canvas = try await CanvasPanel.load(scope, state)
        return IntegrationPageContext(
            layout: LayoutContext(req, title: integration.fields.name),
            facts: try await FactsPanel.load(scope),
            status: StatusPanel.load(scope, state),
            gate: try await GatePanel.load(scope, state),
            releases: try await ReleasesPanel.load(scope),
            lti: try await LTISection.load(scope, state),
            dataMap: DataMapPanel.load(scope),
            contradictions: try await ContradictionsPanel.load(scope),
            hecvat: try await HECVATPanel.load(scope),
            drift: try await DriftPanel.load(scope),
            canvas: canvas, writes: canvas.writes,
            identity: try await LogIdentityPanel.load(scope, state),
            questionnaires: try await QuestionnairesPanel.load(scope),
            reviews: try await ReviewsPanel.load(scope, state),
            links: try await LinksPanel.load(scope, state))
    }
}

struct IntegrationPageContext: Encodable {
    let layout: LayoutContext
    let facts: FactsPanel
    let status: StatusPanel?
    let gate: GatePanel
    let releases: ReleasesPanel
    let lti: LTISection?
    let dataMap: DataMapPanel
    let contradictions: ContradictionsPanel
    let hecvat: HECVATPanel
    let drift: DriftPanel
    let canvas: CanvasPanel
    /// This integration's changes to Canvas, for the shared `partials/_canvas_writes` table.
    let writes: [CanvasPageContext.WriteRow]?
    let identity: LogIdentityPanel
    let questionnaires: QuestionnairesPanel
    let reviews: ReviewsPanel
    let links: LinksPanel?
}
