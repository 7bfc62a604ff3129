import Domain
import Operations
import Persistence
import Vapor

/// LTI tool configurations: imported into an integration from Canvas JSON (1.3) or XML (1.1).
struct LTIController: Sendable {
    static let maxUpload = LTIConfigurationParser.maxBytes + 65_536

    func upload(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        do {
            guard let file = try req.form(FileUploadForm.self).file, file.data.readableBytes > 0 else {
                throw DomainError.validation(ValidationErrors(["lti": "Choose the tool's configuration file (JSON or XML)."]))
            }
            let stored = try await req.operations.lti.importFile([UInt8](file.data.readableBytesView), filename: DocumentCheck.cleanName(file.filename),
                                                                 for: integration, by: req.actor)
            var message = "Imported LTI \(stored.configuration.ltiVersion) configuration version \(stored.version)."
            if !stored.widening.isEmpty { message += " It reaches further than before (\(stored.widening.joined(separator: "; "))): review it again." }
            return req.redirect(to: .integration(integration.id), flash: message)
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await IntegrationPage.render(req, integration, .ltiFailed(mapped.fields["lti"] ?? mapped.message), status: mapped.status)
        }
    }

    // MARK: API

    func history(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        return try await req.store.lti.history(integration.id).map(Self.json).json(req)
    }

    /// The request body is the configuration file itself (JSON or XML).
    func put(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DomainError.validation(ValidationErrors(["lti": "Send the configuration file as the request body."]))
        }
        let stored = try await req.operations.lti.importFile([UInt8](body.readableBytesView), filename: "API upload", for: integration, by: req.actor)
        return try Self.json(stored).json(req, status: .created)
    }

    static func json(_ s: StoredLTIConfiguration) -> NullableJSON<JSONKey> {
        let c = s.configuration
        return ReviewJSON.object([
            "version": s.version, "lti_version": c.ltiVersion, "title": c.title, "privacy_level": c.privacyLevel.rawValue, "placements": c.placements,
            "scopes": c.scopes, "target_link_uri": c.targetLinkURI, "oidc_initiation_url": c.oidcInitiationURL, "domains": c.domains,
            "sends_personal_data": c.privacyLevel.sendsPersonalData, "widening": s.widening, "sha256": s.sha256, "importedBy": s.importedBy,
            "importedAt": Format.iso(s.importedAt),
        ])
    }
}
