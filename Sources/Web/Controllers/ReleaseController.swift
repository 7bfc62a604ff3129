import Domain
import Persistence
import Vapor

struct GateView: Encodable {
    struct Row: Encodable {
        let title: String
        let status: String
        let statusKey: String
        let reason: String
        let fixURL: String?
    }

    let met: Bool
    let summary: String
    let rows: [Row]

    init(_ gate: Gate) {
        met = gate.isMet
        let warnings = gate.items.filter { $0.status == .warning }.count
        summary = gate.isMet
            ? "Every item is met" + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "") + ": a key may be released."
            : "\(gate.unmet.count) of \(gate.items.count) items are not met: no key can be released yet."
        rows = gate.items.map { Row(title: $0.title, status: $0.status.label, statusKey: $0.status.rawValue, reason: $0.reason, fixURL: GateService.link($0.fix)) }
    }
}

struct ReleasePageContext: Encodable {
    let layout: LayoutContext
    let integrationName: String
    let integrationURL: String
    let state: String
    let stateKey: String
    let requested: String
    let pending: Bool
    let isRequester: Bool
    let codeSentTo: String
    let codesLeft: Int
    let attemptsLeft: Int
    let codeExpires: String
    let locksAt: String
    let verifyURL: String
    let resendURL: String
    let actionURL: String
    let rotateURL: String
    let canManage: Bool
    let releaseID: String
    let actions: [SelectOption]?
    let scopes: [String]
    let canvasKeyID: String?
    let includeParameters: String?
    let expiresOn: String?
    let rereviewOn: String?
    let verified: String?
    let scopeChanged: Bool
    let note: String?
    let previousURL: String?
    let defaultRereview: String
    let values: [String: String]
    let errors: [String: String]
    let formError: String?
    let historyURL: String?
}

/// Key release: the gate decides whether it may start; an e-mailed code confirms it; afterwards the
/// key is turned off, back on, retired or rotated, every step audited.
struct ReleaseController: Sendable {
    func acceptWhitelist(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let input = try req.content.decode([String: String].self)
        do {
            let user = try req.requireUser()
            let version = try VersionInput.form(input["version"])
            _ = try await req.store.integrations.acceptWhitelist(integration.id, version: version, by: req.actor, userID: user.id, at: req.now)
            return req.redirect(to: .whitelist(integration.id), flash: "Whitelist version \(version) accepted.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return req.redirect(to: .whitelist(integration.id), flash: mapped.message)
        }
    }

    func request(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let input = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            let release = try await Self.start(req, integration, previous: input["previous"].flatMap(KeyRelease.ID.init(string:)))
            return req.redirect(to: .release(release.id), flash: "A six-digit code was sent to \(release.requestedByEmail). Enter it below within \(req.context.policy.codeValidMinutes) minutes.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            let context = try await IntegrationController().detail(req, integration, panels: .init(releaseError: mapped.message))
            return try await req.page("integrations/show", context, status: mapped.status)
        }
    }

    func show(req: Request) async throws -> Response {
        try await req.page("releases/show", try await context(req, try await req.releaseParameter()))
    }

    func verify(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        let input = try req.content.decode([String: String].self)
        do {
            let released = try await Self.verify(req, release, code: input["code"] ?? "", canvasKeyID: input["canvasKeyID"],
                                                 include: input["allowIncludeParameters"], expiresOn: input["expiresOn"], rereviewOn: input["rereviewOn"])
            return req.redirect(to: .release(released.id), flash: "Key released and recorded. The vendor contact has been told.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            var values = input
            values["code"] = ""
            let current = try await req.store.releases.find(release.id) ?? release
            return try await req.page("releases/show", try await context(req, current, values: values, errors: mapped.fields,
                                                                          formError: mapped.fields.isEmpty ? mapped.message : mapped.formMessage),
                                      status: mapped.status)
        }
    }

    func resend(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        do {
            let updated = try await Self.resend(req, release)
            return req.redirect(to: .release(updated.id), flash: "A new code was sent to \(updated.requestedByEmail); earlier codes no longer work.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("releases/show", try await context(req, release, errors: mapped.fields, formError: mapped.fields["code"] ?? mapped.message),
                                      status: mapped.status)
        }
    }

    func perform(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        let input = try req.content.decode([String: String].self)
        do {
            let updated = try await Self.perform(req, release, action: input["action"], note: input["note"])
            return req.redirect(to: .release(updated.id), flash: "The key is now \(updated.state.label.lowercased()).")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("releases/show", try await context(req, release, values: input, errors: mapped.fields, formError: mapped.formMessage),
                                      status: mapped.status)
        }
    }

    // MARK: Operations shared with the API

    static func start(_ req: Request, _ integration: Integration, previous: KeyRelease.ID?) async throws -> KeyRelease {
        let user = try req.requireUser()
        let gate = try await GateService.evaluate(req, integration)
        guard gate.isMet else {
            throw DomainError.gateUnmet(Dictionary(gate.unmet.map { ($0.id, "\($0.title): \($0.reason)") }, uniquingKeysWith: { a, _ in a }))
        }
        if let previous {
            guard let old = try await req.store.releases.find(previous), old.integrationID == integration.id,
                  [.released, .off].contains(old.state) else {
                throw DomainError.validation(ValidationErrors(["previous": "Only a released or turned-off key of this integration can be rotated."]))
            }
        }
        guard let whitelist = try await req.store.integrations.whitelist(integration.id, version: nil) else { throw DomainError.notFound(entity: "whitelist") }
        var generator = SystemRandomNumberGenerator()
        let code = ReleaseCode.generate(using: &generator)
        let id: KeyRelease.ID = req.context.services.ids()
        let now = req.now
        let release = KeyRelease(id: id, integrationID: integration.id, requestedBy: req.actor.label, requestedByID: user.id, requestedByEmail: user.email,
                                 requestedAt: now, codeHash: ReleaseCode.hash(code, release: id), codeIssuedAt: now, whitelistVersion: whitelist.number,
                                 previousID: previous)
        try await req.store.releases.create(release, by: req.actor)
        try await sendCode(req, release, code: code, integration: integration)
        return release
    }

    static func sendCode(_ req: Request, _ release: KeyRelease, code: String, integration: Integration) async throws {
        let policy = req.context.policy
        try await req.context.mailer.send(
            to: [release.requestedByEmail], subject: "Your VendorReview confirmation code",
            body: """
            Your code to confirm the release of a developer key for \(integration.fields.name) is:

                \(code)

            It works for \(policy.codeValidMinutes) minutes. If you did not ask for this, do nothing: the release \
            locks on its own after \(policy.lockAfterMinutes) minutes.
            """,
            logger: req.logger)
    }

    static func requireRequester(_ req: Request, _ release: KeyRelease) throws {
        guard req.currentUser?.id == release.requestedByID else {
            throw DomainError.validation(ValidationErrors(["code": "Only \(release.requestedBy), who asked for this release, can confirm it."]))
        }
    }

    static func verify(_ req: Request, _ release: KeyRelease, code: String, canvasKeyID: String?, include: String?, expiresOn: String?,
                       rereviewOn: String?) async throws -> KeyRelease {
        try requireRequester(req, release)
        let today = CalendarDay.of(req.now)
        guard let whitelist = try await req.store.integrations.whitelist(release.integrationID, version: release.whitelistVersion) else {
            throw DomainError.notFound(entity: "whitelist")
        }
        // Details are checked first: a form with a missing key id costs no attempt.
        let details = try ReleaseDetails.validate(canvasKeyID: canvasKeyID, allowIncludeParameters: include, expiresOn: expiresOn, rereviewOn: rereviewOn,
                                                  scopes: whitelist.scopeLines, today: today)
        let policy = req.context.policy
        let now = req.now
        let result = OutcomeBox()
        let updated = try await req.store.releases.update(release.id, by: req.actor, at: now) { release in
            let outcome = release.verify(code, details: details, at: now, policy: policy)
            result.set(outcome)
            switch outcome {
            case .released:
                return ("release", "code confirmed; key \(details.canvasKeyID) released with \(details.scopes.count) scopes (enforced), include parameters "
                    + (details.allowIncludeParameters ? "allowed" : "not allowed") + (details.expiresOn.map { ", expires \($0)" } ?? "") + ", re-review by \(details.rereviewOn)")
            case .refused:
                return ("code_refused", "wrong or expired confirmation code (attempt \(release.attempts) of \(policy.maxAttempts))"
                    + (release.state == .locked ? "; release locked" : ""))
            case .locked:
                return ("code_refused", "code entered after the release locked")
            case .notPending:
                return ("code_refused", "code entered for a release that is \(release.state.label.lowercased())")
            }
        }
        guard result.value == .released else {
            if updated.state == .locked {
                throw DomainError.validation(ValidationErrors(["code": "That code did not work, and this release is now locked. Start a new release."]))
            }
            throw DomainError.codeRefused
        }
        if let previous = updated.previousID {
            _ = try await req.store.releases.update(previous, by: req.actor, at: now) { old in
                if old.state == .released || old.state == .off { old.state = .retired }
                return ("retire", "retired: rotated by release \(updated.id)")
            }
        }
        await notifyVendor(req, updated)
        return updated
    }

    static func resend(_ req: Request, _ release: KeyRelease) async throws -> KeyRelease {
        try requireRequester(req, release)
        guard let integration = try await req.store.integrations.find(release.integrationID) else { throw DomainError.notFound(entity: "integration") }
        var generator = SystemRandomNumberGenerator()
        let code = ReleaseCode.generate(using: &generator)
        let policy = req.context.policy
        let now = req.now
        let hash = ReleaseCode.hash(code, release: release.id)
        let updated = try await req.store.releases.update(release.id, by: req.actor, at: now) { release in
            try release.resend(codeHash: hash, at: now, policy: policy)
            return ("resend", "new confirmation code sent (\(release.codesSent) of \(policy.maxCodes))")
        }
        try await sendCode(req, updated, code: code, integration: integration)
        return updated
    }

    static func perform(_ req: Request, _ release: KeyRelease, action raw: String?, note: String?) async throws -> KeyRelease {
        guard let action = ReleaseAction(rawValue: raw ?? "") else {
            throw DomainError.validation(ValidationErrors(["action": "Choose turn off, turn on or retire."]))
        }
        let text = Check.trimmed(note)
        return try await req.store.releases.update(release.id, by: req.actor, at: req.now) { release in
            release.state = try action.apply(to: release.state, note: text)
            release.note = text
            return (action.rawValue, "key \(release.details?.canvasKeyID ?? "") now \(release.state.label.lowercased()): \(text)")
        }
    }

    /// Tells the vendor's security contact that the key is on; a failure is logged, the release stands.
    static func notifyVendor(_ req: Request, _ release: KeyRelease) async {
        guard let integration = try? await req.store.integrations.find(release.integrationID),
              let vendor = try? await req.store.vendors.find(integration.vendorID), let contact = vendor.fields.securityContactEmail,
              let details = release.details else { return }
        try? await req.context.mailer.send(
            to: [contact], subject: "Developer key released for \(integration.fields.name)",
            body: """
            \(vendor.fields.name): the Canvas developer key \(details.canvasKeyID) for \(integration.fields.name) is now on.

            Scopes are enforced; the key allows exactly these endpoints:
            \(details.scopes.joined(separator: "\n"))

            Calls outside these scopes are refused by Canvas and are a breach of our agreement.
            We will review the integration again by \(details.rereviewOn).
            """,
            logger: req.logger)
    }

    func context(_ req: Request, _ release: KeyRelease, values: [String: String] = [:], errors: [String: String] = [:], formError: String? = nil) async throws -> ReleasePageContext {
        guard let integration = try await req.store.integrations.find(release.integrationID) else { throw DomainError.notFound(entity: "integration") }
        let policy = req.context.policy
        let now = req.now
        let state = release.state(at: now, policy: policy)
        let whitelist = try await req.store.integrations.whitelist(integration.id, version: release.whitelistVersion)
        let role = req.currentUser?.role
        let canManage = Routes.editorAccess.allows(role)
        return ReleasePageContext(
            layout: LayoutContext(req, title: "Key release — \(integration.fields.name)"), integrationName: integration.fields.name,
            integrationURL: SiteURL.integration(integration.id).path, state: state.label, stateKey: state.rawValue,
            requested: "\(Format.dateTime(release.requestedAt)) by \(release.requestedBy)", pending: state == .pending,
            isRequester: req.currentUser?.id == release.requestedByID, codeSentTo: release.requestedByEmail,
            codesLeft: max(0, policy.maxCodes - release.codesSent), attemptsLeft: max(0, policy.maxAttempts - release.attempts),
            codeExpires: Format.dateTime(release.codeIssuedAt.addingTimeInterval(TimeInterval(policy.codeValidMinutes * 60))),
            locksAt: Format.dateTime(release.lockedAt(policy: policy)),
            verifyURL: SiteURL.releaseVerify(release.id).path, resendURL: SiteURL.releaseResend(release.id).path,
            actionURL: SiteURL.releaseActions(release.id).path, rotateURL: SiteURL.integrationReleases(integration.id).path, canManage: canManage, releaseID: release.id.description,
            actions: canManage ? ReleaseAction.allCases.filter { $0.allowedFrom.contains(state) }.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) }.nonEmpty : nil,
            scopes: release.details?.scopes ?? whitelist?.scopeLines ?? [], canvasKeyID: release.details?.canvasKeyID,
            includeParameters: release.details.map { $0.allowIncludeParameters ? "allowed" : "not allowed" }, expiresOn: release.details?.expiresOn,
            rereviewOn: release.details?.rereviewOn, verified: release.verifiedAt.map(Format.dateTime), scopeChanged: release.scopeChanged, note: release.note,
            previousURL: release.previousID.map { SiteURL.release($0).path },
            defaultRereview: CalendarDay.adding(months: 12, to: CalendarDay.of(now)),
            values: values, errors: errors, formError: formError,
            historyURL: Routes.auditAccess.allows(role) ? SiteURL.audit(query: ["entityType": "key_release", "entityID": release.id.description]).path : nil)
    }
}

/// Carries the verification outcome out of the transaction that decided it.
final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: KeyRelease.Outcome?
    var value: KeyRelease.Outcome? { lock.withLock { stored } }
    func set(_ outcome: KeyRelease.Outcome) { lock.withLock { stored = outcome } }
}

extension Request {
    func releaseParameter() async throws -> KeyRelease { try await record("releaseID", "key release", store.releases.find) }
}
