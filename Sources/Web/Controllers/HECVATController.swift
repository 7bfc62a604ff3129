import Domain
import Operations
import Vapor

/// HECVAT 4 workbooks: imported into an integration, scored, compared with the one before.
struct HECVATController: Sendable {
    static let maxUpload = WorkbookArchive.Limits.standard.maxFileBytes + 65_536

    func show(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        return try await page(req, integration, error: nil)
    }

    func upload(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        do {
            guard let file = try req.form(FileUploadForm.self).file, file.data.readableBytes > 0 else {
                throw DomainError.validation(ValidationErrors(["hecvat": "Choose the vendor's completed HECVAT workbook (.xlsx)."]))
            }
            let result = try await req.operations.hecvat.importWorkbook([UInt8](file.data.readableBytesView), filename: DocumentCheck.cleanName(file.filename),
                                                                         for: integration, by: req.actor)
            return req.redirect(to: .hecvat(integration.id), flash: Self.message(result))
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await page(req, integration, error: mapped.fields["hecvat"] ?? mapped.message, status: mapped.status)
        }
    }

    private func page(_ req: Request, _ integration: Integration, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let report = try await req.operations.hecvat.report(integration.id)
        return try await req.page("hecvat/show", HECVATPageContext(req, integration: integration, report: report, questionnaires: req.context.questionnaires,
                                                                  canImport: Access.editors.allows(req.currentUser?.role), error: error), status: status)
    }

    static func message(_ result: HECVATImports.Result) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let score = result.report.score
        var message = "Imported HECVAT \(result.stored.workbook.version) workbook #\(result.stored.number) (\(result.stored.workbook.answers.count) questions): "
            + HECVATPageContext.percent(score.earned, score.possible) + "."
        if let previous = result.report.previous {
            message += " \(count(result.report.changes.count, "change", "changes")) since workbook #\(previous.number)."
        }
        if !result.carried.written.isEmpty {
            message += " \(count(result.carried.written.count, "answer", "answers")) carried into our questionnaires."
        }
        if !result.carried.keptOwn.isEmpty {
            message += " \(count(result.carried.keptOwn.count, "question answered here already was", "questions answered here already were")) left as answered."
        }
        if !score.unmetNonNegotiable.isEmpty {
            message += " It does not meet \(count(score.unmetNonNegotiable.count, "non-negotiable question", "non-negotiable questions"))."
        }
        return message
    }

    // MARK: API

    func get(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let report = try await req.operations.hecvat.report(integration.id) else { throw DomainError.notFound(entity: "HECVAT import") }
        return try await HECVATJSON(report).encodeResponse(for: req)
    }

    /// The request body is the workbook itself.
    func put(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DomainError.validation(ValidationErrors(["hecvat": "Send the HECVAT workbook (.xlsx) as the request body."]))
        }
        let result = try await req.operations.hecvat.importWorkbook([UInt8](body.readableBytesView), filename: "API upload", for: integration, by: req.actor)
        return try await HECVATJSON(result.report).encodeResponse(status: .created, for: req)
    }
}
