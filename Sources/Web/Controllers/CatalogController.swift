import Domain
import Operations
import Persistence
import Vapor

/// The Canvas endpoint catalog: what ships, what was imported, and the import form.
struct CatalogController: Sendable {
    static let maxUpload = 5 * 1_048_576

    func index(req: Request) async throws -> Response {
        try await render(req)
    }

    func importScopes(req: Request) async throws -> Response {
        let form = try req.content.decode(CatalogImportForm.self)
        do {
            let (data, source): (Data, String)
            if let file = form.file, file.data.readableBytes > 0 {
                data = Data(file.data.readableBytesView)
                source = String(file.filename.prefix(120))
            } else if let json = form.json, !Check.trimmed(json).isEmpty {
                data = Data(json.utf8)
                source = "pasted JSON"
            } else {
                throw DomainError.validation(ValidationErrors(["file": "Choose the JSON file saved from your Canvas's scopes API, or paste it."]))
            }
            let outcome = try await req.operations.catalog.importScopes(data, source: source, by: req.actor)
            return req.redirect(to: .catalog, flash: outcome.sentence)
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await render(req, errors: mapped.fields, formError: mapped.fields.isEmpty ? mapped.message : nil, status: mapped.status)
        }
    }

    private func render(_ req: Request, errors: [String: String] = [:], formError: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let imported = try await req.store.catalog.importedEntries()
        let catalog = req.operations.catalog
        let shippedByShape = Dictionary(catalog.shipped.map { ($0.shapeKey, $0) }, uniquingKeysWith: { first, _ in first })
        return try await req.page("catalog/index", CatalogPageContext(
            layout: LayoutContext(req, title: "Canvas endpoint catalog"),
            shippedCount: catalog.shipped.count, canvasCommitShort: catalog.canvasCommit.map { String($0.prefix(7)) },
            canvasCommit: catalog.canvasCommit,
            classifiedByHand: catalog.classification.byHand, derived: catalog.classification.derived,
            documentedOnly: catalog.classification.documented,
            importedCount: imported.count,
            imported: imported.map { entry in
                let shipped = shippedByShape[entry.shapeKey]
                return .init(method: entry.verb.rawValue, template: entry.template.text, group: entry.group,
                             kinds: entry.kinds.sorted().map(\.label).joined(separator: ", "),
                             replaces: shipped.flatMap { $0.key == entry.key ? nil : $0.template.text })
            }.nonEmpty,
            canImport: Access.editors.allows(req.currentUser?.role), errors: errors, formError: formError), status: status)
    }
}
