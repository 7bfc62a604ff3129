import Domain
import Operations
import Persistence
import Vapor

extension Encodable {
    /// A JSON response of this value.
    func json(_ req: Request, status: HTTPStatus = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let response = Response(status: status, body: .init(data: try encoder.encode(self)))
        response.headers.contentType = .json
        return response
    }
}

/// Questionnaire answers and reviews over the JSON API; the same rules as the web forms.
struct ReviewAPIController: Sendable {
    struct AnswersBody: Content { var answers: [String: [String]]? }
    struct MarkBody: Content { var question: String?; var mark: String?; var comment: String? }
    struct ReviewBody: Content {
        var kind: String?
        var reviewerID: String?
        var scope: String?
        var supersedes: String?
        var outcomes: [String: String]?
        var remediation: String?
        var dueOn: String?
        var version: Int?
    }
    struct FindingBody: Content {
        var title: String?; var description: String?; var severity: String?; var dueOn: String?; var assigneeID: String?; var status: String?
    }
    struct DecisionBody: Content { var decision: String?; var conditions: String?; var validUntil: String?; var version: Int? }

    func questionnaires(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let answers = try await req.store.answers.answers(integration.id)
        return try req.context.questionnaires.map { ReviewJSON.questionnaire($0, answers: answers) }.json(req)
    }

    func saveAnswers(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        let body = try req.content.decode(AnswersBody.self)
        try await req.operations.answers.save(body.answers ?? [:], to: questionnaire, of: integration.id, source: .staff, by: req.actor)
        return try ReviewJSON.questionnaire(questionnaire, answers: try await req.store.answers.answers(integration.id)).json(req)
    }

    func mark(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        let body = try req.content.decode(MarkBody.self)
        _ = try await req.operations.answers.mark(body.question ?? "", of: questionnaire, for: integration.id, mark: body.mark, comment: body.comment,
                                                  by: req.actor)
        return try ReviewJSON.questionnaire(questionnaire, answers: try await req.store.answers.answers(integration.id)).json(req)
    }

    func reviews(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        return try await req.store.reviews.reviews(integration.id).map { ReviewJSON.review($0, findings: nil) }.json(req)
    }

    func create(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let body = try req.content.decode(ReviewBody.self)
        let review = try await req.operations.reviews.start(kind: body.kind, reviewerID: body.reviewerID, scope: body.scope, dueOn: body.dueOn,
                                                            supersedes: body.supersedes.flatMap(Review.ID.init(string:)), on: integration, by: req.actor)
        return try ReviewJSON.review(review, findings: []).json(req, status: .created)
    }

    func show(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        return try ReviewJSON.review(review, findings: try await req.store.reviews.findings(review.id)).json(req)
    }

    func update(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let body = try req.content.decode(ReviewBody.self)
        try review.ensureOpen()
        let version = try VersionInput.api(body.version)
        var outcomes: [ACRArea: String] = [:]
        for area in ACRArea.allCases { outcomes[area] = body.outcomes?[area.rawValue] ?? review.fields.outcomes[area]?.rawValue }
        if let unknown = body.outcomes?.keys.first(where: { ACRArea(rawValue: $0) == nil }) {
            throw DomainError.validation(ValidationErrors(["outcomes": "“\(unknown)” is not an ACR area."]))
        }
        let saved = try await req.operations.reviews.update(
            review, reviewerID: body.reviewerID ?? review.fields.reviewerID.description, scope: body.scope ?? review.fields.scope,
            outcomes: outcomes, remediation: body.remediation ?? review.fields.remediation, dueOn: body.dueOn.map { .some($0) }, expectedVersion: version,
            by: req.actor)
        return try ReviewJSON.review(saved, findings: try await req.store.reviews.findings(review.id)).json(req)
    }

    func addFinding(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let body = try req.content.decode(FindingBody.self)
        let finding = try await req.operations.reviews.addFinding(
            title: body.title, description: body.description, severity: body.severity, dueOn: body.dueOn, assigneeID: body.assigneeID, to: review, by: req.actor)
        return try ReviewJSON.finding(finding).json(req, status: .created)
    }

    func updateFinding(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let body = try req.content.decode(FindingBody.self)
        guard let id = req.parameters.get("findingID").flatMap(Finding.ID.init(string:)) else { throw DomainError.notFound(entity: "finding") }
        return try ReviewJSON.finding(try await req.operations.reviews.setStatus(body.status, of: id, in: review, by: req.actor)).json(req)
    }

    func decide(req: Request) async throws -> Response {
        let review = try await req.reviewParameter()
        let body = try req.content.decode(DecisionBody.self)
        let decided = try await req.operations.reviews.decide(review, decision: body.decision, conditions: body.conditions, validUntil: body.validUntil,
                                                              expectedVersion: try VersionInput.api(body.version), by: try req.requireUser())
        return try ReviewJSON.review(decided, findings: try await req.store.reviews.findings(review.id)).json(req)
    }
}
