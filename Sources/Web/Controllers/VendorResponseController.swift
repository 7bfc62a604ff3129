import Domain
import Operations
import Persistence
import Vapor

/// What a vendor contact reaches through an answer link: this integration's questionnaires, and
/// nothing else. Unknown, expired and revoked links all get the same answer.
struct VendorResponseController: Sendable {
    typealias Session = VendorLinks.Session

    func index(req: Request) async throws -> Response {
        let session = try await Self.open(req)
        let answers = try await req.store.answers.answers(session.integration.id)
        let items = req.context.questionnaires.map { q in
            RespondIndexContext.Item(title: q.title, description: q.description, url: SiteURL.respondQuestionnaire(session.secret, q.id).path,
                                     progress: ProgressView(QuestionnaireProgress(q, answers: AnswerSheet.values(answers, for: q))))
        }
        return try await Self.page(req, "respond/index", RespondIndexContext(
            layout: LayoutContext(req, title: "Questions about \(session.integration.fields.name)"), vendor: session.vendorName,
            integration: session.integration.fields.name, contact: "\(session.link.contactName) <\(session.link.contactEmail)>",
            expires: Format.dateTime(session.link.expiresAt), submitted: session.link.submittedAt.map(Format.dateTime), items: items,
            submitURL: SiteURL.respondSubmit(session.secret).path, allComplete: items.allSatisfy(\.progress.complete)))
    }

    func questionnaire(req: Request) async throws -> Response {
        let session = try await Self.open(req)
        return try await Self.page(req, "respond/questionnaire", try await context(req, session, try Self.questionnaire(req)))
    }

    func save(req: Request) async throws -> Response {
        let session = try await Self.open(req)
        let questionnaire = try Self.questionnaire(req)
        let submitted = FormPairs.answers(FormPairs.parse(req), questionnaire: questionnaire)
        do {
            let changed = try await req.operations.answers.save(submitted, to: questionnaire, of: session.integration.id, source: .vendor, by: session.actor)
            req.session.data[SessionKeys.flash] = changed == 0 ? "No answers changed." : "Saved your answers to \(questionnaire.title)."
            return req.redirect(to: SiteURL.respond(session.secret).path, redirectType: .normal)
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await Self.page(req, "respond/questionnaire", try await context(req, session, questionnaire, submitted: submitted, error: mapped),
                                       status: mapped.status)
        }
    }

    func upload(req: Request) async throws -> Response {
        let session = try await Self.open(req)
        let questionnaire = try Self.questionnaire(req)
        var upload = EvidenceUploadForm()
        do {
            upload = try EvidenceUploadForm.decode(req)
            let name = try await EvidenceUploadForm.attach(upload, req, to: questionnaire, of: session.integration.id, source: .vendor, by: session.actor)
            req.session.data[SessionKeys.flash] = "Attached “\(name)”; your answers on this page were saved too."
            return req.redirect(to: SiteURL.respondQuestionnaire(session.secret, questionnaire.id).path, redirectType: .normal)
        } catch let error as DomainError {
            // What was typed stays on the page, saved or not.
            let mapped = ErrorMapping.map(error)
            return try await Self.page(req, "respond/questionnaire", try await context(req, session, questionnaire, submitted: upload.answers(for: questionnaire),
                                                                                       error: mapped), status: mapped.status)
        }
    }

    func submit(req: Request) async throws -> Response {
        let session = try await Self.open(req)
        try await req.operations.vendorLinks.submit(session)
        req.session.data[SessionKeys.flash] = "Thank you. Your answers were submitted and the integration’s owner has been told. You can still correct them until the link expires."
        return req.redirect(to: SiteURL.respond(session.secret).path, redirectType: .normal)
    }

    // MARK: Helpers

    /// The link named in the path, if it is usable, with throttling per link and per address.
    static func open(_ req: Request) async throws -> Session {
        try await req.operations.vendorLinks.open(secret: req.parameters.get("secret") ?? "", from: req.clientAddress)
    }

    static func questionnaire(_ req: Request) throws -> Questionnaire {
        try req.operations.answers.questionnaire(req.parameters.get("questionnaireID"))
    }

    /// Link pages are never cached, indexed, or sent on as a referrer (the address is the secret).
    static func page(_ req: Request, _ template: String, _ context: some Encodable, status: HTTPStatus = .ok) async throws -> Response {
        let response = try await req.page(template, context, status: status)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex, nofollow")
        return response
    }

    private func context(
        _ req: Request, _ session: Session, _ questionnaire: Questionnaire, submitted: [String: [String]]? = nil, error: ErrorMapping? = nil
    ) async throws -> RespondQuestionnaireContext {
        let answers = try await req.store.answers.answers(session.integration.id)
        let evidence = try await req.store.answers.evidence(session.integration.id)
        var values = AnswerSheet.values(answers, for: questionnaire)
        if let submitted { values.merge(submitted) { $1 } }
        return RespondQuestionnaireContext(
            layout: LayoutContext(req, title: questionnaire.title), integration: session.integration.fields.name, title: questionnaire.title,
            description: questionnaire.description, version: questionnaire.version,
            progress: ProgressView(QuestionnaireProgress(questionnaire, answers: values)),
            sections: QuestionnaireView.sections(questionnaire, answers: answers, evidence: evidence, submitted: submitted, errors: error?.fields ?? [:],
                                                 staffView: false, fileURL: { _ in nil }),
            action: SiteURL.respondQuestionnaire(session.secret, questionnaire.id).path,
            evidenceURL: SiteURL.respondEvidence(session.secret, questionnaire.id).path, backURL: SiteURL.respond(session.secret).path,
            maxSize: DocumentCheck.megabytes(req.context.config.maxDocumentBytes),
            formError: error.map { $0.fields.isEmpty ? $0.message : "Please correct the answers marked below. Nothing was saved." })
    }
}
