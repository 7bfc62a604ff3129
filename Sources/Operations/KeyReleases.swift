import Domain
import Foundation

/// Key release: the gate decides whether it may start; a six-digit code e-mailed to the requesting
/// admin confirms it; afterwards the key is turned off, back on, retired or rotated. Every step is
/// one audited transaction.
public struct KeyReleases: Sendable {
    private let environment: OperationEnvironment
    private let gates: Gates
    private let enforcement: CanvasEnforcement
    private let catalog: Catalog

    init(_ environment: OperationEnvironment, gates: Gates, enforcement: CanvasEnforcement, catalog: Catalog) {
        self.catalog = catalog
        self.environment = environment
        self.gates = gates
        self.enforcement = enforcement
    }

    /// What the requester types when confirming: the code and the key's details from Canvas.
    public struct Confirmation: Sendable {
        public var code: String
        public var canvasKeyID: String?
        /// "on" (a checked box) allows include parameters.
        public var allowIncludeParameters: String?
        public var expiresOn: String?
        public var rereviewOn: String?

        public init(code: String, canvasKeyID: String?, allowIncludeParameters: String?, expiresOn: String?, rereviewOn: String?) {
            self.code = code
            self.canvasKeyID = canvasKeyID
            self.allowIncludeParameters = allowIncludeParameters
            self.expiresOn = expiresOn
            self.rereviewOn = rereviewOn
        }
    }

    /// Starts a release (or a rotation of `previous`) when the gate is met, and mails the code.
    public func request(_ integration: Integration, rotating previous: KeyRelease.ID?, by user: User) async throws -> KeyRelease {
        try await gates.evaluate(integration).ensureMet()
        let store = environment.store
        if let previous {
            guard let old = try await store.releases.find(previous), old.integrationID == integration.id,
                  [.released, .off].contains(old.state) else {
                throw DomainError.validation(ValidationErrors(["previous": "Only a released or turned-off key of this integration can be rotated."]))
            }
        }
        guard let whitelist = try await store.integrations.whitelist(integration.id, version: nil) else { throw DomainError.notFound(entity: "whitelist") }
        var generator = SystemRandomNumberGenerator()
        let code = ReleaseCode.generate(using: &generator)
        let id: KeyRelease.ID = environment.ids()
        let now = environment.now()
        let actor = Actor(user: user)
        let release = KeyRelease(id: id, integrationID: integration.id, requestedBy: actor.label, requestedByID: user.id, requestedByEmail: user.email,
                                 requestedAt: now, codeHash: ReleaseCode.hash(code, release: id), codeIssuedAt: now, whitelistVersion: whitelist.number,
                                 previousID: previous)
        // The code's mail is stored with the release: there is never a pending release whose code was not queued.
        try await environment.change(with: [try codeMail(code, for: release, integration: integration)]) {
            try await store.releases.create(release, by: actor)
        }
        return release
    }

    /// Confirms a pending release with its code. Only the requester may; the details are checked
    /// first, so a form with a missing key id costs no attempt.
    public func verify(_ release: KeyRelease, _ confirmation: Confirmation, by user: User) async throws -> KeyRelease {
        try requireRequester(release, user)
        let store = environment.store
        let now = environment.now()
        guard let whitelist = try await store.integrations.whitelist(release.integrationID, version: release.whitelistVersion) else {
            throw DomainError.notFound(entity: "whitelist")
        }
        let details = try ReleaseDetails.validate(
            canvasKeyID: confirmation.canvasKeyID, allowIncludeParameters: confirmation.allowIncludeParameters, expiresOn: confirmation.expiresOn,
            rereviewOn: confirmation.rereviewOn, scopes: whitelist.inCanvasText(try await catalog.matcher()).scopeLines, today: CalendarDay.of(now))
        let policy = environment.policy
        let code = confirmation.code
        let actor = Actor(user: user)
        // Enforcing: a right code first switches the key on in Canvas (checked, written, read back); only then is the release recorded.
        let switchedOn = enforcement.isOn && release.wouldRelease(code, at: now, policy: policy)
        if switchedOn {
            try await switchOn(details.canvasKeyID, scopes: details.scopes, allowIncludes: details.allowIncludeParameters, release: release,
                               why: "verified release \(release.id)", by: actor)
        }
        // The vendor's notice is stored with the write that releases, never with a refused code.
        let notice = try await releasedMail(release, details: details)
        let (updated, outcome) = try await environment.change(with: notice, onlyWithAWrite: true, onlyWith: ("key_release", "release")) {
            try await store.releases.update(release.id, by: actor, at: now) { release in
                let outcome = release.verify(code, details: details, at: now, policy: policy)
                return KeyReleaseChange(outcome == .released ? "release" : "code_refused", Self.summary(of: outcome, release, details, policy), decision: outcome)
            }
        }
        guard outcome == .released else {
            if switchedOn {
                // The key went on but the release could not be recorded (it changed meanwhile): off again, the safe direction.
                _ = try? await enforcement.make(CanvasWriteTarget(action: .keyOff, objectID: details.canvasKeyID, name: "key \(details.canvasKeyID)"),
                                                reason: "release \(release.id) was not recorded after the key went on", integration: release.integrationID,
                                                release: release.id, by: actor)
            }
            if updated.state == .locked {
                throw DomainError.validation(ValidationErrors(["code": "That code did not work, and this release is now locked. Start a new release."]))
            }
            throw DomainError.codeRefused
        }
        if let previous = updated.previousID {
            _ = try await store.releases.update(previous, by: actor, at: now) { old in
                if old.state == .released || old.state == .off { old.state = .retired }
                return KeyReleaseChange("retire", "retired: rotated by release \(updated.id)")
            }
            if enforcement.isOn, let old = try await store.releases.find(previous)?.details?.canvasKeyID, old != details.canvasKeyID {
                // The rotated key goes off; a failure stays visible with retry and does not undo the new release.
                _ = try? await enforcement.make(CanvasWriteTarget(action: .keyOff, objectID: old, name: "key \(old)"),
                                                reason: "rotated by release \(updated.id)", integration: updated.integrationID, release: previous, by: actor)
            }
        }
        return updated
    }

    /// A new code for a pending release (earlier codes stop working), within the policy's limit.
    public func resend(_ release: KeyRelease, by user: User) async throws -> KeyRelease {
        try requireRequester(release, user)
        let store = environment.store
        guard let integration = try await store.integrations.find(release.integrationID) else { throw DomainError.notFound(entity: "integration") }
        var generator = SystemRandomNumberGenerator()
        let code = ReleaseCode.generate(using: &generator)
        let (policy, now) = (environment.policy, environment.now())
        let hash = ReleaseCode.hash(code, release: release.id)
        return try await environment.change(with: [try codeMail(code, for: release, integration: integration)]) {
            try await store.releases.update(release.id, by: Actor(user: user), at: now) { release in
                try release.resend(codeHash: hash, at: now, policy: policy)
                return KeyReleaseChange("resend", "new confirmation code sent (\(release.codesSent) of \(policy.maxCodes))")
            }
        }
    }

    /// Turns a released key off, back on, or retires it; each needs a note for the audit trail.
    public func perform(_ rawAction: String?, note: String?, on release: KeyRelease, by actor: Actor) async throws -> KeyRelease {
        guard let action = ReleaseAction(rawValue: rawAction ?? "") else {
            throw DomainError.validation(ValidationErrors(["action": "Choose turn off, turn on or retire."]))
        }
        let text = Check.trimmed(note)
        if action == .turnOn {
            guard let integration = try await environment.store.integrations.find(release.integrationID) else { throw DomainError.notFound(entity: "integration") }
            try await gates.evaluate(integration).ensureMet()
        }
        // Check the note and the transition before touching Canvas, so a bad form changes nothing there.
        _ = try action.apply(to: release.state, note: text)
        if enforcement.isOn, let details = release.details {
            if action == .turnOn {
                try await switchOn(details.canvasKeyID, scopes: details.scopes, allowIncludes: details.allowIncludeParameters, release: release,
                                   why: "turned back on: \(text)", by: actor)
            } else {
                let write = try await enforcement.make(CanvasWriteTarget(action: .keyOff, objectID: details.canvasKeyID, name: "key \(details.canvasKeyID)"),
                                                       reason: "\(action.label.lowercased()): \(text)", integration: release.integrationID, release: release.id, by: actor)
                guard write.state == .done else {
                    throw DomainError.canvasRefused("Canvas did not switch key \(details.canvasKeyID) off: \(write.outcome ?? "no answer"). Nothing was changed here; the failed change can be retried from the dashboard.")
                }
            }
        }
        return try await environment.store.releases.update(release.id, by: actor, at: environment.now()) { release in
            release.state = try action.apply(to: release.state, note: text)
            release.note = text
            // Back on only with the gate met (checked above), so a flag from before no longer holds.
            if action == .turnOn { release.gateLapse = nil }
            return KeyReleaseChange(action.rawValue, "key \(release.details?.canvasKeyID ?? "") now \(release.state.label.lowercased()): \(text)")
        }
    }

    /// Reads the key from Canvas, refuses unless it is exactly what was approved, then switches it on and reads it back.
    private func switchOn(_ keyID: String, scopes: [String], allowIncludes: Bool, release: KeyRelease, why: String, by actor: Actor) async throws {
        let key: CanvasDeveloperKey
        do {
            key = try await enforcement.readKey(keyID)
        } catch let error as CanvasError {
            throw DomainError.canvasRefused("Canvas could not be read to check key \(keyID): \(error.description) Nothing was released.")
        }
        let differences = KeyMatch.differences(key, approvedScopes: scopes, allowIncludes: allowIncludes)
        guard differences.isEmpty else {
            throw DomainError.validation(ValidationErrors(["canvasKeyID": "Key \(keyID) in Canvas is not what was approved — \(differences.joined(separator: "; ")). Change the key in Canvas and confirm again; nothing was released."]))
        }
        let write = try await enforcement.make(CanvasWriteTarget(action: .keyOn, objectID: keyID, name: key.label), reason: why,
                                               integration: release.integrationID, release: release.id, by: actor)
        guard write.state == .done else {
            throw DomainError.canvasRefused("Canvas did not switch key \(keyID) on: \(write.outcome ?? "no answer"). Nothing was recorded as released.")
        }
    }

    private static func summary(of outcome: KeyRelease.Outcome, _ release: KeyRelease, _ details: ReleaseDetails, _ policy: Policy) -> String {
        switch outcome {
        case .released:
            "code confirmed; key \(details.canvasKeyID) released with \(details.scopes.count) scopes (enforced), include parameters "
                + (details.allowIncludeParameters ? "allowed" : "not allowed") + (details.expiresOn.map { ", expires \($0)" } ?? "")
                + ", re-review by \(details.rereviewOn)"
        case .refused:
            "wrong or expired confirmation code (attempt \(release.attempts) of \(policy.maxAttempts))" + (release.state == .locked ? "; release locked" : "")
        case .locked:
            "code entered after the release locked"
        case .notPending:
            "code entered for a release that is \(release.state.label.lowercased())"
        }
    }

    private func requireRequester(_ release: KeyRelease, _ user: User) throws {
        guard user.id == release.requestedByID else {
            throw DomainError.validation(ValidationErrors(["code": "Only \(release.requestedBy), who asked for this release, can confirm it."]))
        }
    }

    private func codeMail(_ code: String, for release: KeyRelease, integration: Integration) throws -> QueuedMail {
        let policy = environment.policy
        return try environment.compose(
            to: [release.requestedByEmail], subject: "Your VendorReview confirmation code",
            body: """
            Your code to confirm the release of a developer key for \(integration.fields.name) is:

                \(code)

            It works for \(policy.codeValidMinutes) minutes. If you did not ask for this, do nothing: the release \
            locks on its own after \(policy.lockAfterMinutes) minutes.
            """)
    }

    /// The vendor's security contact hears that the key is on (nobody, without a contact).
    private func releasedMail(_ release: KeyRelease, details: ReleaseDetails) async throws -> [QueuedMail] {
        let store = environment.store
        guard let integration = try await store.integrations.find(release.integrationID),
              let vendor = try await store.vendors.find(integration.vendorID), let contact = vendor.fields.securityContactEmail else { return [] }
        return [try environment.compose(
            to: [contact], subject: "Developer key released for \(integration.fields.name)",
            body: """
            \(vendor.fields.name): the Canvas developer key \(details.canvasKeyID) for \(integration.fields.name) is now on.

            Scopes are enforced; the key allows exactly these endpoints:
            \(details.scopes.joined(separator: "\n"))

            Calls outside these scopes are refused by Canvas and are a breach of our agreement.
            We will review the integration again by \(details.rereviewOn).
            """)]
    }
}
