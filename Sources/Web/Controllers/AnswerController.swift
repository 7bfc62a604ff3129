import Domain
import Operations
import Persistence
import Vapor

/// Staff view of one integration's questionnaire: answers (staff or vendor), deviations, evidence
/// and reviewer marks.
struct AnswerController: Sendable {
    func show(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        return try await req.page("answers/questionnaire", try await context(req, integration, questionnaire))
    }

    func save(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        let submitted = FormPairs.answers(FormPairs.parse(req), questionnaire: questionnaire)
        do {
            let changed = try await req.operations.answers.save(submitted, to: questionnaire, of: integration.id, source: .staff, by: req.actor)
            return req.redirect(to: .answers(integration.id, questionnaire.id),
                                flash: changed == 0 ? "No answers changed." : "Saved \(changed) answer\(changed == 1 ? "" : "s").")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("answers/questionnaire", try await context(req, integration, questionnaire, submitted: submitted, error: mapped),
                                      status: mapped.status)
        }
    }

    func mark(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        let form = try req.form(AnswerMarkForm.self)
        do {
            let questionID = form.question ?? ""
            let mark = try await req.operations.answers.mark(questionID, of: questionnaire, for: integration.id, mark: form.mark, comment: form.comment,
                                                             by: req.actor)
            return req.redirect(to: .answers(integration.id, questionnaire.id), flash: "\(questionID) marked \(mark.label.lowercased()).")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("answers/questionnaire", try await context(req, integration, questionnaire, error: mapped), status: mapped.status)
        }
    }

    func upload(req: Request) async throws -> Response {
        let (integration, questionnaire) = try await req.integrationAndQuestionnaire()
        var upload = EvidenceUploadForm()
        do {
            upload = try EvidenceUploadForm.decode(req)
            let name = try await EvidenceUploadForm.attach(upload, req, to: questionnaire, of: integration.id, source: .staff, by: req.actor)
            return req.redirect(to: .answers(integration.id, questionnaire.id), flash: "Attached “\(name)”.")
        } catch let error as DomainError {
            // What was typed stays on the page, saved or not.
            let mapped = ErrorMapping.map(error)
            return try await req.page("answers/questionnaire", try await context(req, integration, questionnaire, submitted: upload.answers(for: questionnaire),
                                                                                 error: mapped), status: mapped.status)
        }
    }

    func download(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let id = req.parameters.get("documentID").flatMap(EvidenceDocument.ID.init(string:)),
              let (document, bytes) = try await req.store.answers.evidenceDocument(id, of: integration.id)
        else { throw DomainError.notFound(entity: "document") }
        return Response.attachment(filename: document.filename, type: document.type, sha256: document.sha256, bytes)
    }

    private func context(
        _ req: Request, _ integration: Integration, _ questionnaire: Questionnaire, submitted: [String: [String]]? = nil, error: ErrorMapping? = nil
    ) async throws -> AnswerPageContext {
        let answers = try await req.store.answers.answers(integration.id)
        let evidence = try await req.store.answers.evidence(integration.id)
        let role = req.currentUser?.role
        var values = AnswerSheet.values(answers, for: questionnaire)
        if let submitted { values.merge(submitted) { $1 } }
        let earlier = answers.filter { $0.questionnaireID == questionnaire.id && $0.questionnaireVersion != questionnaire.version }
            .map { AnswerPageContext.Earlier(version: $0.questionnaireVersion, question: $0.questionID, text: $0.questionText,
                                             answer: $0.values.map(AnswerSheet.humanize).joined(separator: ", "),
                                             by: "\($0.source.label): \($0.answeredBy), \(Format.dateTime($0.answeredAt))") }
        return AnswerPageContext(
            layout: LayoutContext(req, title: "\(questionnaire.title) — \(integration.fields.name)"),
            integrationName: integration.fields.name, integrationURL: SiteURL.integration(integration.id).path,
            title: questionnaire.title, version: questionnaire.version, description: questionnaire.description,
            progress: ProgressView(QuestionnaireProgress(questionnaire, answers: values)),
            sections: QuestionnaireView.sections(questionnaire, answers: answers, evidence: evidence, submitted: submitted,
                                                 errors: error?.fields ?? [:], staffView: true,
                                                 fileURL: { SiteURL.evidence(integration.id, $0.id).path }),
            canAnswer: Access.editors.allows(role), canUpload: Access.editors.allows(role), canMark: Access.reviewers.allows(role),
            action: SiteURL.answers(integration.id, questionnaire.id).path, markURL: SiteURL.answerMarks(integration.id, questionnaire.id).path,
            evidenceURL: SiteURL.answerEvidence(integration.id, questionnaire.id).path,
            maxSize: DocumentCheck.megabytes(req.context.config.maxDocumentBytes),
            markOptions: options(AnswerMark.self, selected: nil, label: \.label),
            formError: error.map { $0.fields.isEmpty ? $0.message : "Please correct the answers marked below. Nothing was saved." },
            earlier: earlier.nonEmpty)
    }
}

/// Stores one evidence upload (form fields `question` and `file`) for a questionnaire.
