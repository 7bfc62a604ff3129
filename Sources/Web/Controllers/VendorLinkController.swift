import Domain
import Persistence
import Vapor

/// Admins send a vendor contact a link to answer one integration's questionnaires.
struct VendorLinkController: Sendable {
    func create(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let input = try req.content.decode([String: String].self)
        let fields: VendorLinkFields
        do {
            fields = try VendorLinkFields.validate(contactName: input["contactName"], contactEmail: input["contactEmail"], days: input["days"])
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            let context = try await IntegrationController().detail(req, integration, panels: .init(linkValues: input, linkErrors: mapped.fields))
            return try await req.page("integrations/show", context, status: mapped.status)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = TokenSecret.generate(prefix: VendorLink.secretPrefix, using: &generator)
        let link = try await req.store.vendorLinks.create(
            fields, integration: integration.id, id: req.context.services.ids(), secretHash: TokenSecret.hash(secret),
            hint: TokenSecret.hint(secret, prefix: VendorLink.secretPrefix), by: req.actor, at: req.now)
        let url = Self.publicLink(req, secret)
        var mailed = true
        do {
            try await req.context.mailer.send(
                to: ["\(fields.contactName) <\(fields.contactEmail)>"],
                subject: "Questions about \(integration.fields.name) for our Canvas review",
                body: """
                Hello \(fields.contactName),

                \(req.actor.label) asks you to answer our review questions about \(integration.fields.name) \
                (FERPA, COPPA, accessibility, key and token handling, and AI use) and to attach evidence such as your VPAT.

                Open this link to answer; no account is needed:
                \(url)

                The link works until \(Format.dateTime(link.expiresAt)) and only for this integration. Please do not forward it.
                When you are done, press "Submit answers" so we know to look.
                """,
                logger: req.logger)
        } catch {
            mailed = false
        }
        let context = try await IntegrationController().detail(
            req, integration, panels: .init(newLink: .init(url: url, mailed: mailed, contact: fields.contactEmail)))
        return try await req.page("integrations/show", context)
    }

    func revoke(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let id = req.parameters.get("linkID").flatMap(VendorLink.ID.init(string:)) else { throw DomainError.notFound(entity: "answer link") }
        try await req.store.vendorLinks.revoke(id, of: integration.id, by: req.actor, at: req.now)
        return req.redirect(to: .integration(integration.id), flash: "The answer link was revoked; it no longer opens.")
    }

    static func publicLink(_ req: Request, _ secret: String) -> String {
        req.context.config.absolute(.respond(secret))
    }
}
