import Domain
import Persistence
import Vapor

struct AuthController: Sendable {
    func form(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: SiteURL.safeNext(req.query["next"]), redirectType: .normal) }
        let next = SiteURL.safeNext(req.query["next"])
        return try await req.page("auth/login", LoginPageContext(
            layout: LayoutContext(req, title: "Sign in"), email: "", next: next, error: nil))
    }

    func login(req: Request) async throws -> Response {
        let form = try req.form(LoginForm.self)
        let email = Check.trimmed(form.email).lowercased()
        let password = form.password ?? ""
        let next = SiteURL.safeNext(form.next)
        if email.isEmpty || password.isEmpty {
            return try await req.page("auth/login", LoginPageContext(
                layout: LayoutContext(req, title: "Sign in"), email: email, next: next,
                error: "Enter your e-mail and password."), status: .unprocessableEntity)
        }
        if let user = try await authenticate(req, email: email, password: password) {
            // A new session id on sign-in prevents session fixation: drop the old record and let the
            // sessions middleware create a fresh one (with a fresh CSRF token) for this response.
            if let old = req.session.id {
                try await req.application.sessions.driver.deleteSession(old, for: req).get()
            }
            req.session.id = nil
            req.session.data = SessionData()
            req.session.data[SessionKeys.userID] = user.id.description
            req.session.data[SessionKeys.lastSeen] = String(req.now.timeIntervalSince1970)
            req.logger.info("signed in", metadata: ["user": .string(user.id.description)])
            return req.redirect(to: next, redirectType: .normal)
        }
        let failure = ErrorMapping.map(DomainError.invalidCredentials)
        return try await req.page("auth/login", LoginPageContext(
            layout: LayoutContext(req, title: "Sign in"), email: email, next: next, error: failure.message),
            status: failure.status)
    }

    func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteURL.login().path, redirectType: .normal)
    }

    /// The user on success; nil for every kind of failure, which all look alike from outside.
    private func authenticate(_ req: Request, email: String, password: String) async throws -> User? {
        let hasher = req.context.hasher
        guard let user = try await req.store.users.find(email: email) else {
            _ = try await hasher.verify(password, against: req.context.decoyHash)
            return nil
        }
        let now = req.now
        // A locked account is checked against the decoy instead of its own hash: guesses during the lock
        // teach nothing, and the answer takes as long as any other sign-in, so its timing does not tell
        // an attacker the account is locked.
        let locked = user.login.isLocked(at: now)
        let verified = try await hasher.verify(password, against: locked ? req.context.decoyHash : user.passwordHash)
        let matches = !locked && verified
        let (decision, next) = LoginRules.decide(user: user, passwordMatches: matches, now: now)
        let lockedNow = !user.login.isLocked(at: now) && next.isLocked(at: now)
        switch decision {
        case let .success(signedIn):
            try await req.store.users.recordLogin(user.id, state: next, succeeded: true, lockedNow: false, at: now)
            return signedIn
        case .failure:
            if next != user.login {
                try await req.store.users.recordLogin(user.id, state: next, succeeded: false, lockedNow: lockedNow, at: now)
            }
            return nil
        }
    }
}
