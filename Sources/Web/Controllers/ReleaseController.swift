import Domain
import Operations
import Persistence
import Vapor

/// Key release: the gate decides whether it may start; an e-mailed code confirms it; afterwards the
/// key is turned off, back on, retired or rotated, every step audited.
struct ReleaseController: Sendable {
    func acceptWhitelist(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(VersionForm.self)
        do {
            let version = try VersionInput.form(form.version)
            _ = try await req.operations.whitelists.accept(version: version, of: integration, by: try req.requireUser())
            return req.redirect(to: .whitelist(integration.id), flash: "Whitelist version \(version) accepted.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return req.redirect(to: .whitelist(integration.id), flash: mapped.message)
        }
    }

    func request(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = (try? req.form(ReleaseRequestForm.self)) ?? ReleaseRequestForm()
        do {
            let release = try await req.operations.releases.request(
                integration, rotating: form.previous.flatMap(KeyRelease.ID.init(string:)), by: try req.requireUser())
            return req.redirect(to: .release(release.id), flash: "A six-digit code was sent to \(release.requestedByEmail). Enter it below within \(req.context.policy.codeValidMinutes) minutes.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await IntegrationPage.render(req, integration, .releaseRefused(mapped.message), status: mapped.status)
        }
    }

    func show(req: Request) async throws -> Response {
        try await req.page("releases/show", try await context(req, try await req.releaseParameter()))
    }

    func verify(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        let form = try req.form(ReleaseConfirmationForm.self)
        do {
            let released = try await req.operations.releases.verify(release, KeyReleases.Confirmation(
                code: form.code ?? "", canvasKeyID: form.canvasKeyID, allowIncludeParameters: form.allowIncludeParameters,
                expiresOn: form.expiresOn, rereviewOn: form.rereviewOn), by: try req.requireUser())
            return req.redirect(to: .release(released.id), flash: "Key released and recorded. The vendor contact has been told.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            var values = form.values
            values["code"] = ""
            let current = try await req.store.releases.find(release.id) ?? release
            // Once the release is no longer pending the form is gone, so the message says why instead of pointing at fields.
            let formError = current.lockReason(at: req.now, policy: req.context.policy)
                ?? (mapped.fields.isEmpty ? mapped.message : mapped.formMessage)
            return try await req.page("releases/show", try await context(req, current, values: values, errors: mapped.fields, formError: formError),
                                      status: mapped.status)
        }
    }

    func resend(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        do {
            let updated = try await req.operations.releases.resend(release, by: try req.requireUser())
            return req.redirect(to: .release(updated.id), flash: "A new code was sent to \(updated.requestedByEmail); earlier codes no longer work.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("releases/show", try await context(req, release, errors: mapped.fields, formError: mapped.fields["code"] ?? mapped.message),
                                      status: mapped.status)
        }
    }

    func perform(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        let form = try req.form(ReleaseActionForm.self)
        do {
            let updated = try await req.operations.releases.perform(form.action, note: form.note, on: release, by: req.actor)
            return req.redirect(to: .release(updated.id), flash: "The key is now \(updated.state.label.lowercased()).")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("releases/show", try await context(req, release, values: form.values, errors: mapped.fields, formError: mapped.formMessage),
                                      status: mapped.status)
        }
    }

    func context(_ req: Request, _ release: KeyRelease, values: [String: String] = [:], errors: [String: String] = [:], formError: String? = nil) async throws -> ReleasePageContext {
        guard let integration = try await req.store.integrations.find(release.integrationID) else { throw DomainError.notFound(entity: "integration") }
        let policy = req.context.policy
        let now = req.now
        let state = release.state(at: now, policy: policy)
        let whitelist = try await req.store.integrations.whitelist(integration.id, version: release.whitelistVersion)
        let exported = release.details == nil ? try await req.inCanvasText(whitelist) : nil
        let role = req.currentUser?.role
        let canManage = Access.editors.allows(role)
        return ReleasePageContext(
            layout: LayoutContext(req, title: "Key release — \(integration.fields.name)"), integrationName: integration.fields.name,
            integrationURL: SiteURL.integration(integration.id).path, state: state.label, stateKey: state.rawValue,
            requested: "\(Format.dateTime(release.requestedAt)) by \(release.requestedBy)", pending: state == .pending,
            isRequester: req.currentUser?.id == release.requestedByID, codeSentTo: release.requestedByEmail,
            codesLeft: max(0, policy.maxCodes - release.codesSent), attemptsLeft: max(0, policy.maxAttempts - release.attempts),
            codeExpires: Format.dateTime(release.codeIssuedAt.addingTimeInterval(TimeInterval(policy.codeValidMinutes * 60))),
            locksAt: Format.dateTime(release.lockedAt(policy: policy)),
            gateLapse: state == .released ? release.gateLapse.map { "Since \(Format.dateTime($0.since)): \($0.reason)" } : nil,
            lockReason: formError == nil ? release.lockReason(at: now, policy: policy) : nil,
            verifyURL: SiteURL.releaseVerify(release.id).path, resendURL: SiteURL.releaseResend(release.id).path,
            actionURL: SiteURL.releaseActions(release.id).path, rotateURL: SiteURL.integrationReleases(integration.id).path, canManage: canManage, releaseID: release.id.description,
            actions: canManage ? ReleaseAction.allCases.filter { $0.allowedFrom.contains(state) }.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) }.nonEmpty : nil,
            scopes: release.details?.scopes ?? exported?.scopeLines ?? [], canvasKeyID: release.details?.canvasKeyID,
            includeParameters: release.details.map { $0.allowIncludeParameters ? "allowed" : "not allowed" }, expiresOn: release.details?.expiresOn,
            rereviewOn: release.details?.rereviewOn, verified: release.verifiedAt.map(Format.dateTime), scopeChanged: release.scopeChanged, note: release.note,
            previousURL: release.previousID.map { SiteURL.release($0).path },
            defaultRereview: CalendarDay.adding(months: 12, to: CalendarDay.of(now)), enforcing: req.operations.enforcement.isOn,
            values: values, errors: errors, formError: formError,
            historyURL: Access.auditTrail.allows(role) ? SiteURL.audit(query: ["entityType": "key_release", "entityID": release.id.description]).path : nil)
    }
}

extension Request {
    func releaseParameter() async throws -> KeyRelease { try await record("releaseID", "key release", store.releases.find) }
}
