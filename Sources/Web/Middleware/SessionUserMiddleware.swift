import Domain
import Operations
import Persistence
import Vapor

/// Loads the signed-in user from the database-backed session; ends idle sessions and sessions whose way of
/// signing in no longer holds; signs people in from the trusted web server's headers; and keeps a user who
/// must enrol an authenticator on the enrolment page.
struct SessionUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let settings = request.context.config.signIn
        if request.hasSession, let raw = request.session.data[SessionKeys.userID], let id = User.ID(string: raw) {
            let now = request.now
            let seen = request.session.data[SessionKeys.lastSeen].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            if let seen, now.timeIntervalSince(seen) > request.context.config.sessionIdleTimeout {
                request.session.data[SessionKeys.userID] = nil
                request.sessionExpired = true
            } else if let user = try await request.store.users.find(id),
                      SessionBinding.holds(method: request.session.data[SessionKeys.via], epoch: request.session.data[SessionKeys.epoch], user: user, settings: settings) {
                request.currentUser = user
                // Write the session back at most once a minute, not on every request.
                if seen.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                    request.session.data[SessionKeys.lastSeen] = String(now.timeIntervalSince1970)
                }
            } else {
                request.session.destroy()
                request.sessionExpired = true
            }
        }
        if let headers = settings.trustedHeaders, let refused = try await trustedHeaderSignIn(request, headers, settings) { return refused }
        if request.session.data[SessionKeys.mustEnrol] != nil, let user = request.currentUser {
            let path = request.url.path
            let allowed = path == SiteURL.accountFactor.path || path == SiteURL.logout.path
            if user.secondFactor != nil {
                request.session.data[SessionKeys.mustEnrol] = nil
            } else if !allowed {
                return request.redirect(to: .accountFactor, flash: "Set up an authenticator app before you go on: your role needs a second factor.")
            }
        }
        return try await next.respond(to: request)
    }

    /// Believes the sign-in headers only from `TRUSTED_PROXIES`; refuses a request that carries them from
    /// anywhere else. A header session lasts while the web server keeps vouching for the same person.
    private func trustedHeaderSignIn(_ request: Request, _ headers: SignInSettings.TrustedHeaders, _ settings: SignInSettings) async throws -> Response? {
        let peer = request.remoteAddress?.ipAddress ?? ""
        let carried = headers.all.contains { request.headers.first(name: $0) != nil }
        guard settings.trustedProxies.contains(peer) else {
            if carried {
                request.logger.warning("sign-in headers refused: the request did not come from TRUSTED_PROXIES", metadata: ["peer": .string(peer)])
                return Response(status: .forbidden, headers: ["Content-Type": "text/plain; charset=utf-8"],
                                body: .init(string: "Sign-in headers are accepted only from the institution's web server.\n"))
            }
            return nil
        }
        let subject = String((request.headers.first(name: headers.user) ?? "").prefix(320))
        if let user = request.currentUser, request.session.data[SessionKeys.via] == SignInMethod.trustedHeader.rawValue {
            if subject == user.externalSubject { return nil }
            // The web server now vouches for someone else, or no one: this session ends.
            request.session.destroy()
            request.currentUser = nil
        }
        guard !subject.isEmpty, request.currentUser == nil else { return nil }
        let groups = (request.headers.first(name: headers.groups) ?? "").split(whereSeparator: { $0 == ";" || $0 == "," })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.prefix(1_000)
        let identity = ExternalIdentity(
            subject: subject, email: request.headers.first(name: headers.email).flatMap { Check.isEmail($0) ? $0 : nil },
            name: request.headers.first(name: headers.name), groups: Array(groups))
        switch try await ExternalSignIns.complete(request, identity, mapping: headers.roleMapping, autoCreate: headers.autoCreate,
                                                  via: .trustedHeader, label: "the web server's single sign-on") {
        case .signedIn: return nil
        case let .refused(refusal):
            request.logger.warning("trusted-header sign-in refused", metadata: ["reason": .string(refusal.description)])
            return try await request.page("errors/signin", SignInRefusedContext(layout: LayoutContext(request, title: "Not signed in")), status: .forbidden)
        }
    }
}

struct SignInRefusedContext: Encodable {
    let layout: LayoutContext
}
