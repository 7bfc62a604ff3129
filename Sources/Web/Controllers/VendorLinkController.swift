import Domain
import Operations
import Persistence
import Vapor

/// Admins send a vendor contact a link to answer one integration's questionnaires.
struct VendorLinkController: Sendable {
    func create(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(VendorLinkForm.self)
        do {
            let created = try await req.operations.vendorLinks.create(
                contactName: form.contactName, contactEmail: form.contactEmail, days: form.days, for: integration, by: req.actor)
            // Post, redirect, get: a refresh shows the page again, never a second link and a second mail.
            req.stashReveal(NewAnswerLink(url: created.url, contact: created.link.contactEmail).stashed,
                            for: SiteURL.integration(integration.id).path)
            return req.redirect(to: .integration(integration.id))
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await IntegrationPage.render(req, integration, .linkFailed(values: form.values, errors: mapped.fields), status: mapped.status)
        }
    }

    func revoke(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let id = req.parameters.get("linkID").flatMap(VendorLink.ID.init(string:)) else { throw DomainError.notFound(entity: "answer link") }
        guard (try? req.form(LinkRevocationForm.self))?.confirm == "yes" else {
            return req.redirect(to: .integration(integration.id), flash: "Nothing was revoked: tick “Yes, revoke” to confirm. A revoked link never opens again.")
        }
        try await req.operations.vendorLinks.revoke(id, of: integration, by: req.actor)
        return req.redirect(to: .integration(integration.id), flash: "The answer link was revoked; it no longer opens.")
    }
}
