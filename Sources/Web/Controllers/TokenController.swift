import Domain
import Operations
import Persistence
import Vapor

/// Each person manages their own API tokens: a purpose and an expiry are required, the value is
/// shown once and stored only as a hash.
struct TokenController: Sendable {
    func index(req: Request) async throws -> Response {
        try await render(req, form: TokenForm(expiresInDays: "90"), newToken: req.takeReveal(for: SiteURL.tokens.path))
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.form(TokenForm.self)
        do {
            let request = try TokenRequest.validate(purpose: form.purpose, expiresInDays: form.expiresInDays)
            let secret = try await req.operations.tokens.issue(request, for: user, by: req.actor)
            // Post, redirect, get: the value is shown once on the page the redirect lands on; a refresh issues nothing.
            req.stashReveal(secret, for: SiteURL.tokens.path)
            return req.redirect(to: .tokens)
        } catch let error as DomainError {
            return try await render(req, form: form, errors: ErrorMapping.map(error).fields, status: ErrorMapping.map(error).status)
        }
    }

    func revoke(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("tokenID").flatMap(ApiToken.ID.init(string:)) else {
            throw DomainError.notFound(entity: "API token")
        }
        try await req.operations.tokens.revoke(id, of: user)
        return req.redirect(to: .tokens, flash: "Token revoked. Programs using it can no longer reach the API.")
    }

    private func render(
        _ req: Request, form: TokenForm, errors: [String: String] = [:], newToken: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let user = try req.requireUser()
        let now = req.now
        let tokens = try await req.store.tokens.list(userID: user.id)
        let rows = tokens.map { token in
            TokenRowContext(
                hint: token.hint, purpose: token.purpose, created: Format.dateTime(token.createdAt),
                expires: Format.dateTime(token.expiresAt), lastUsed: token.lastUsedAt.map(Format.dateTime) ?? "never",
                status: token.status(at: now), revokeURL: token.revokedAt == nil ? SiteURL.revokeToken(token.id).path : nil)
        }
        return try await req.page("tokens/index", TokensContext(
            layout: LayoutContext(req, title: "API tokens"), rows: rows, purpose: form.purpose ?? "",
            expiresInDays: form.expiresInDays ?? "", errors: errors, newToken: newToken, maxDays: TokenRequest.maxDays),
            status: status)
    }
}

/// Creates a token: used by the UI and by `vendor-review token create`.
