import Domain
import Operations
import Persistence
import Vapor

/// "Sign in with <institution>": the redirect to the identity provider and its answer.
struct OpenIDController: Sendable {
    /// A sign-in left at the provider for longer than this starts again.
    static let pendingWindow: TimeInterval = 10 * 60

    func start(req: Request) async throws -> Response {
        guard let client = req.context.openID else { throw Abort(.notFound) }
        let pending = OpenIDClient.newPending()
        let url: String
        do {
            url = try await client.authorizationURL(pending, redirectURI: redirectURI(req))
        } catch {
            req.logger.error("single sign-on unavailable", metadata: ["reason": .string(String(describing: error))])
            return try await AuthController().loginPage(
                req, email: "", next: SiteURL.safeNext(req.query["next"]),
                error: "\(client.settings.name) could not be reached. Try again in a minute.", status: .badGateway)
        }
        req.session.data[SessionKeys.openIDState] = pending.state
        req.session.data[SessionKeys.openIDNonce] = pending.nonce
        req.session.data[SessionKeys.openIDVerifier] = pending.verifier
        req.session.data[SessionKeys.openIDNext] = SiteURL.safeNext(req.query["next"])
        req.session.data[SessionKeys.openIDAt] = String(req.now.timeIntervalSince1970)
        return req.redirect(to: url, redirectType: .normal)
    }

    func callback(req: Request) async throws -> Response {
        guard let client = req.context.openID else { throw Abort(.notFound) }
        let settings = client.settings
        // The pending sign-in is used once: taken from the session before anything is checked, so a replayed
        // answer (the same state again, or one from another browser) finds nothing to match.
        let stored = (state: req.session.data[SessionKeys.openIDState], nonce: req.session.data[SessionKeys.openIDNonce],
                      verifier: req.session.data[SessionKeys.openIDVerifier], at: req.session.data[SessionKeys.openIDAt].flatMap(Double.init))
        let next = SiteURL.safeNext(req.session.data[SessionKeys.openIDNext])
        for key in [SessionKeys.openIDState, SessionKeys.openIDNonce, SessionKeys.openIDVerifier, SessionKeys.openIDNext, SessionKeys.openIDAt] {
            req.session.data[key] = nil
        }
        func refuse(_ reason: String, status: HTTPStatus = .unauthorized) async throws -> Response {
            req.logger.warning("single sign-on refused", metadata: ["reason": .string(String(reason.prefix(300)))])
            try await req.recordAddressFailure()
            return try await AuthController().loginPage(
                req, email: "", next: next,
                error: "Signing in through \(settings.name) did not succeed. Try again; if it keeps failing, ask an administrator.", status: status)
        }
        if try await req.addressIsThrottled() {
            return try await AuthController().loginPage(req, email: "", next: next, error: AuthController.throttledMessage(req), status: .tooManyRequests)
        }
        let state = String((req.query[String.self, at: "state"] ?? "").prefix(512))
        guard let expected = stored.state, let nonce = stored.nonce, let verifier = stored.verifier, let at = stored.at else {
            return try await refuse("no sign-in is under way in this browser (a replayed or foreign state)")
        }
        guard TOTP.constantTimeEqual(state, expected) else { return try await refuse("state does not match") }
        guard req.now.timeIntervalSince1970 - at < Self.pendingWindow else { return try await refuse("the sign-in took longer than 10 minutes") }
        if let error = req.query[String.self, at: "error"] { return try await refuse("the provider answered \(error.prefix(80))") }
        guard let code = req.query[String.self, at: "code"], !code.isEmpty, code.count <= 2_048 else { return try await refuse("no code") }

        let claims: [String: ClaimValue]
        do {
            claims = try await client.claims(code: code, pending: .init(state: expected, nonce: nonce, verifier: verifier), redirectURI: redirectURI(req))
        } catch {
            return try await refuse(String(describing: error))
        }
        let identity = ExternalIdentity.from(claims: claims, matchClaim: settings.matchClaim, roleClaim: settings.roleClaim)
        switch try await ExternalSignIns.complete(req, identity, mapping: settings.roleMapping, autoCreate: settings.autoCreate, via: .openID,
                                                  label: "OpenID Connect (\(settings.issuer))") {
        case let .signedIn(user):
            req.logger.info("signed in through OpenID Connect", metadata: ["user": .string(user.id.description)])
            return req.redirect(to: next, redirectType: .normal)
        case let .refused(refusal):
            return try await refuse(refusal.description, status: .forbidden)
        }
    }

    private func redirectURI(_ req: Request) -> String { req.context.address.absolute(.openIDCallback) }
}

/// The end of a sign-in the identity provider vouched for (OpenID Connect or the trusted headers): the account
/// from the operation, then the session.
enum ExternalSignIns {
    static func complete(_ req: Request, _ identity: ExternalIdentity, mapping: RoleMapping?, autoCreate: Role?, via method: SignInMethod,
                         label: String) async throws -> SignIns.ExternalOutcome {
        let outcome = try await req.operations.signIns.external(identity, mapping: mapping, autoCreate: autoCreate, via: label)
        if case let .signedIn(user) = outcome { try await req.establishSession(user, via: method) }
        return outcome
    }
}
