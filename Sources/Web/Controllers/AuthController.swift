import Domain
import Operations
import Persistence
import Vapor

/// Local sign-in: password, then the authenticator code when the account has one; throttled per account (its
/// lock-out) and per address (across instances); sign-out, through the identity provider when it has one.
struct AuthController: Sendable {
    /// How long a correct password waits for its authenticator code.
    static let codeWindow: TimeInterval = 5 * 60

    func form(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: SiteURL.safeNext(req.query["next"]), redirectType: .normal) }
        return try await loginPage(req, email: "", next: SiteURL.safeNext(req.query["next"]), error: nil)
    }

    func loginPage(_ req: Request, email: String, next: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let settings = req.context.config.signIn
        var context = LoginPageContext(layout: LayoutContext(req, title: "Sign in"), email: email, next: next, error: error)
        if let openID = settings.openID {
            context.providerName = openID.name
            context.providerLink = SiteURL.openIDStart(next: next == "/" ? nil : next).path
        }
        context.passwordsForEveryone = settings.localPasswords == .everyone
        return try await req.page("auth/login", context, status: status)
    }

    func login(req: Request) async throws -> Response {
        let form = try req.form(LoginForm.self)
        let email = String(Check.trimmed(form.email).lowercased().prefix(320))
        let password = String((form.password ?? "").prefix(1_024))
        let next = SiteURL.safeNext(form.next)
        if email.isEmpty || password.isEmpty {
            return try await loginPage(req, email: email, next: next, error: "Enter your e-mail and password.", status: .unprocessableEntity)
        }
        if try await req.addressIsThrottled() {
            req.logger.warning("sign-in refused: too many failures from this address")
            return try await loginPage(req, email: email, next: next, error: Self.throttledMessage(req), status: .tooManyRequests)
        }
        guard let user = try await authenticate(req, email: email, password: password) else {
            try await req.recordAddressFailure()
            let failure = ErrorMapping.map(DomainError.invalidCredentials)
            return try await loginPage(req, email: email, next: next, error: failure.message, status: failure.status)
        }
        if user.secondFactor != nil {
            // Not signed in yet: the session remembers only who typed the right password, for five minutes.
            req.session.data[SessionKeys.pendingUser] = user.id.description
            req.session.data[SessionKeys.pendingAt] = String(req.now.timeIntervalSince1970)
            req.session.data[SessionKeys.pendingNext] = next
            return req.redirect(to: SiteURL.loginCode.path, redirectType: .normal)
        }
        let mustEnrol = req.context.policy.secondFactorRoles.contains(user.role)
        try await req.establishSession(user, via: .password, mustEnrol: mustEnrol)
        return req.redirect(to: mustEnrol ? SiteURL.accountFactor.path : next, redirectType: .normal)
    }

    func codeForm(req: Request) async throws -> Response {
        guard try await pendingUser(req) != nil else { return req.redirect(to: SiteURL.login().path, redirectType: .normal) }
        return try await req.page("auth/code", CodePageContext(layout: LayoutContext(req, title: "Authenticator code"), error: nil))
    }

    func code(req: Request) async throws -> Response {
        struct CodeForm: Content { var code: String? }
        let typed = String((try req.form(CodeForm.self).code ?? "").prefix(64))
        guard let user = try await pendingUser(req), user.secondFactor != nil else {
            return req.redirect(to: SiteURL.login().path, redirectType: .normal)
        }
        func refuse(_ message: String, _ status: HTTPStatus) async throws -> Response {
            try await req.page("auth/code", CodePageContext(layout: LayoutContext(req, title: "Authenticator code"), error: message), status: status)
        }
        if try await req.addressIsThrottled() { return try await refuse(Self.throttledMessage(req), .tooManyRequests) }
        switch try await req.operations.signIns.confirm(typed, for: user) {
        case .unreadable:
            req.logger.error("an authenticator secret does not open with this SECRET_KEY_FILE", metadata: ["user": .string(user.id.description)])
            return try await refuse("This authenticator cannot be checked. Ask an administrator to reset it.", .internalServerError)
        case .refused:
            try await req.recordAddressFailure()
            return try await refuse("That code did not work. Type the 6 digits your app shows now, or a recovery code.", .unauthorized)
        case let .accepted(signedIn, usedRecovery):
            let destination = SiteURL.safeNext(req.session.data[SessionKeys.pendingNext])
            try await req.establishSession(signedIn, via: .passwordAndCode)
            if usedRecovery {
                let left = signedIn.secondFactor?.recoveryHashes.count ?? 0
                return req.redirect(to: .accountFactor, flash: "Signed in with a recovery code; \(left) left. Set up your authenticator again if you lost it.")
            }
            return req.redirect(to: destination, redirectType: .normal)
        }
    }

    func logout(req: Request) async throws -> Response {
        let via = req.session.data[SessionKeys.via]
        req.session.destroy()
        if via == SignInMethod.openID.rawValue, let client = req.context.openID,
           let endSession = await client.endSessionURL(returnTo: req.context.address.absolute(.login())) {
            var layout = LayoutContext(req, title: "Signed out")
            layout.refreshURL = endSession
            return try await req.page("auth/signed-out", SignedOutContext(layout: layout, providerName: client.settings.name, endSessionURL: endSession))
        }
        return req.redirect(to: SiteURL.login().path, redirectType: .normal)
    }

    static func throttledMessage(_ req: Request) -> String {
        "Too many failed sign-ins came from your address. Wait \(req.operations.signIns.windowMinutes) minutes and try again."
    }

    /// The user waiting for their code, while the five minutes last.
    private func pendingUser(_ req: Request) async throws -> User? {
        guard let raw = req.session.data[SessionKeys.pendingUser], let id = User.ID(string: raw),
              let at = req.session.data[SessionKeys.pendingAt].flatMap(Double.init),
              req.now.timeIntervalSince1970 - at < Self.codeWindow else { return nil }
        guard let user = try await req.store.users.find(id), user.isActive else { return nil }
        return user
    }

    /// The user on success; nil for every kind of failure, which all look alike from outside.
    private func authenticate(_ req: Request, email: String, password: String) async throws -> User? {
        let hasher = req.context.hasher
        guard let user = try await req.store.users.find(email: email), req.context.config.signIn.localPasswords.allows(email) else {
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
