import Domain
import Operations
import Persistence
import Vapor

/// A local account's authenticator app: enrolment (a QR code and the key to type), ten recovery codes shown once,
/// and an admin's reset of another person's authenticator.
struct FactorController: Sendable {
    func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let codes = req.takeReveal(for: SiteURL.accountFactor.path).map { $0.split(separator: "\n").map(String.init) } ?? []
        return try await page(req, user: user, recoveryCodes: codes, error: nil)
    }

    func enrol(req: Request) async throws -> Response {
        struct CodeForm: Content { var code: String? }
        let user = try req.requireUser()
        if user.secondFactor != nil { return req.redirect(to: .accountFactor) }
        let typed = try req.form(CodeForm.self).code ?? ""
        guard let sealed = req.session.data[SessionKeys.enrolSecret].flatMap({ Data(base64Encoded: $0) }),
              let codes = try await req.operations.signIns.enrol(user, sealed: sealed, typed: typed) else {
            return try await page(req, user: user, recoveryCodes: [],
                                  error: "That code did not match. Type the 6 digits the app shows for VendorReview now.", status: .unprocessableEntity)
        }
        req.session.data[SessionKeys.enrolSecret] = nil
        req.session.data[SessionKeys.mustEnrol] = nil
        // The session now counts as confirmed by a code.
        req.session.data[SessionKeys.via] = SignInMethod.passwordAndCode.rawValue
        req.stashReveal(codes.joined(separator: "\n"), for: SiteURL.accountFactor.path)
        return req.redirect(to: .accountFactor, flash: "Your authenticator app is set up. Keep the recovery codes below somewhere safe.")
    }

    /// The person replaces their own authenticator (a new phone, or signed in with a recovery code after losing
    /// it). Only a session confirmed by a code in this sign-in may do so; the enrolment page follows at once.
    func replace(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.secondFactor != nil else { return req.redirect(to: .accountFactor) }
        guard req.session.data[SessionKeys.via] == SignInMethod.passwordAndCode.rawValue else {
            return req.redirect(to: .accountFactor, flash: "Sign in again with a code from your app or a recovery code before you replace it.")
        }
        try await req.operations.signIns.replace(user)
        if req.context.policy.secondFactorRoles.contains(user.role) { req.session.data[SessionKeys.mustEnrol] = "1" }
        req.session.data[SessionKeys.enrolSecret] = nil
        return req.redirect(to: .accountFactor, flash: "Your old authenticator no longer works. Scan the new code below.")
    }

    /// An admin removes another person's authenticator (lost phone): audited, and that person's sessions end.
    func reset(req: Request) async throws -> Response {
        let user = try await req.userParameter()
        guard try await req.operations.signIns.reset(user, by: req.actor) else {
            return req.redirect(to: .editUser(user.id), flash: "\(user.email) has no authenticator to reset.")
        }
        return req.redirect(to: .editUser(user.id), flash: "Authenticator reset for \(user.email). They set up a new one at their next sign-in.")
    }

    private func page(_ req: Request, user: User, recoveryCodes: [String], error: String?, status: HTTPStatus = .ok) async throws -> Response {
        var secretText: String?, uri: String?, qr: QRCodeSVG?
        if user.secondFactor == nil {
            // The same secret until its first code is typed, kept sealed in the session.
            let signIns = req.operations.signIns
            let secret: [UInt8]
            if let sealed = req.session.data[SessionKeys.enrolSecret].flatMap({ Data(base64Encoded: $0) }),
               let opened = try? signIns.seal.open(sealed, for: user.id) {
                secret = opened
            } else {
                let fresh = try signIns.newSecret(for: user)
                secret = fresh.secret
                req.session.data[SessionKeys.enrolSecret] = fresh.sealed.base64EncodedString()
            }
            let address = TOTP.provisioningURI(secret: secret, account: user.email, issuer: req.context.config.institutionName)
            // In groups of four, as people copy it into an app.
            let key = Array(Base32.encode(secret))
            secretText = stride(from: 0, to: key.count, by: 4).map { String(key[$0..<min($0 + 4, key.count)]) }.joined(separator: " ")
            uri = address
            qr = QRCodeSVG(text: address)
        }
        return try await req.page("account/factor", FactorPageContext(
            layout: LayoutContext(req, title: "Authenticator app"), enrolled: user.secondFactor != nil,
            enrolledAt: user.secondFactor.map { Format.dateTime($0.enrolledAt) }, recoveryLeft: user.secondFactor?.recoveryHashes.count ?? 0,
            recoveryCodes: recoveryCodes, hasRecoveryCodes: !recoveryCodes.isEmpty, secret: secretText, uri: uri, qr: qr,
            required: req.context.policy.secondFactorRoles.contains(user.role),
            canReplace: user.secondFactor != nil && req.session.data[SessionKeys.via] == SignInMethod.passwordAndCode.rawValue, error: error), status: status)
    }
}
