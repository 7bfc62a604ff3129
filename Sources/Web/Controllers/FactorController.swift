import Domain
import Persistence
import Vapor

/// A local account's authenticator app: enrolment (a QR code and the key to type), ten recovery codes shown once,
/// and an admin's reset of another person's authenticator.
struct FactorController: Sendable {
    struct PageContext: Encodable {
        let layout: LayoutContext
        let enrolled: Bool
        let enrolledAt: String?
        let recoveryLeft: Int
        /// Shown once, right after enrolment.
        let recoveryCodes: [String]
        var hasRecoveryCodes: Bool { !recoveryCodes.isEmpty }
        let secret: String?
        let uri: String?
        let qr: QRCodeSVG?
        let required: Bool
        let canReplace: Bool
        let error: String?

        enum CodingKeys: String, CodingKey {
            case layout, enrolled, enrolledAt, recoveryLeft, recoveryCodes, hasRecoveryCodes, secret, uri, qr, required, canReplace, error
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(layout, forKey: .layout)
            try container.encode(enrolled, forKey: .enrolled)
            try container.encodeIfPresent(enrolledAt, forKey: .enrolledAt)
            try container.encode(recoveryLeft, forKey: .recoveryLeft)
            try container.encode(recoveryCodes, forKey: .recoveryCodes)
            try container.encode(hasRecoveryCodes, forKey: .hasRecoveryCodes)
            try container.encodeIfPresent(secret, forKey: .secret)
            try container.encodeIfPresent(uri, forKey: .uri)
            try container.encodeIfPresent(qr, forKey: .qr)
            try container.encode(required, forKey: .required)
            try container.encode(canReplace, forKey: .canReplace)
            try container.encodeIfPresent(error, forKey: .error)
        }
    }

    func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let codes = req.takeReveal(for: SiteURL.accountFactor.path).map { $0.split(separator: "\n").map(String.init) } ?? []
        return try await page(req, user: user, recoveryCodes: codes, error: nil)
    }

    func enrol(req: Request) async throws -> Response {
        struct CodeForm: Content { var code: String? }
        let user = try req.requireUser()
        if user.secondFactor != nil { return req.redirect(to: .accountFactor) }
        let typed = String((try req.form(CodeForm.self).code ?? "").prefix(64))
        let seal = req.context.factorSeal
        guard let sealed = req.session.data[SessionKeys.enrolSecret].flatMap({ Data(base64Encoded: $0) }),
              let secret = try? seal.open(sealed, for: user.id),
              let step = TOTP.matchingStep(typed, secret: secret, at: req.now, after: 0) else {
            return try await page(req, user: user, recoveryCodes: [],
                                  error: "That code did not match. Type the 6 digits the app shows for VendorReview now.", status: .unprocessableEntity)
        }
        var generator = SystemRandomNumberGenerator()
        let codes = RecoveryCodes.generate(using: &generator)
        let factor = SecondFactor(
            sealedSecret: sealed, lastStep: step, recoveryHashes: codes.compactMap(RecoveryCodes.normalized).map(RecoveryCodes.hash), enrolledAt: req.now)
        try await req.store.users.storeSecondFactor(user.id, factor, action: "enrol_factor", by: req.actor, at: req.now)
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
        try await req.store.users.storeSecondFactor(user.id, nil, action: "replace_factor", by: req.actor, at: req.now)
        if req.context.policy.secondFactorRoles.contains(user.role) { req.session.data[SessionKeys.mustEnrol] = "1" }
        req.session.data[SessionKeys.enrolSecret] = nil
        return req.redirect(to: .accountFactor, flash: "Your old authenticator no longer works. Scan the new code below.")
    }

    /// An admin removes another person's authenticator (lost phone): audited, and that person's sessions end.
    func reset(req: Request) async throws -> Response {
        let user = try await req.userParameter()
        guard user.secondFactor != nil else { return req.redirect(to: .editUser(user.id), flash: "\(user.email) has no authenticator to reset.") }
        try await req.store.users.storeSecondFactor(user.id, nil, action: "reset_factor", by: req.actor, at: req.now)
        return req.redirect(to: .editUser(user.id), flash: "Authenticator reset for \(user.email). They set up a new one at their next sign-in.")
    }

    private func page(_ req: Request, user: User, recoveryCodes: [String], error: String?, status: HTTPStatus = .ok) async throws -> Response {
        var secretText: String?, uri: String?, qr: QRCodeSVG?
        if user.secondFactor == nil {
            let seal = req.context.factorSeal
            let secret: [UInt8]
            if let sealed = req.session.data[SessionKeys.enrolSecret].flatMap({ Data(base64Encoded: $0) }), let opened = try? seal.open(sealed, for: user.id) {
                secret = opened
            } else {
                var generator = SystemRandomNumberGenerator()
                secret = TOTP.generateSecret(using: &generator)
                req.session.data[SessionKeys.enrolSecret] = try seal.seal(secret, for: user.id).base64EncodedString()
            }
            let address = TOTP.provisioningURI(secret: secret, account: user.email, issuer: req.context.config.institutionName)
            secretText = stride(from: 0, to: Base32.encode(secret).count, by: 4).map { offset -> String in
                let text = Array(Base32.encode(secret))
                return String(text[offset..<min(offset + 4, text.count)])
            }.joined(separator: " ")
            uri = address
            qr = QRCodeSVG(text: address)
        }
        return try await req.page("account/factor", PageContext(
            layout: LayoutContext(req, title: "Authenticator app"), enrolled: user.secondFactor != nil,
            enrolledAt: user.secondFactor.map { Format.dateTime($0.enrolledAt) }, recoveryLeft: user.secondFactor?.recoveryHashes.count ?? 0,
            recoveryCodes: recoveryCodes, secret: secretText, uri: uri, qr: qr,
            required: req.context.policy.secondFactorRoles.contains(user.role),
            canReplace: user.secondFactor != nil && req.session.data[SessionKeys.via] == SignInMethod.passwordAndCode.rawValue, error: error), status: status)
    }
}
