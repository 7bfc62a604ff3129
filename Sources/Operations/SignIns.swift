import Domain
import Foundation

/// Signing in, apart from any request: the account an identity provider vouches for (found, created or refused,
/// its role from the groups), the authenticator code after a password, enrolling, replacing and resetting an
/// authenticator, and failed sign-ins counted per address in the database, so every instance counts together.
/// Pages and the command line call these; the web layer keeps only the session and the redirects.
public struct SignIns: Sendable {
    let environment: OperationEnvironment
    /// Seals authenticator secrets with a key derived from the institution's (`SECRET_KEY_FILE`).
    public let seal: FactorSeal

    init(_ environment: OperationEnvironment) {
        self.environment = environment
        seal = FactorSeal(institutionKey: environment.institutionKey)
    }

    // MARK: - Single sign-on

    public enum ExternalOutcome: Equatable, Sendable {
        case signedIn(User)
        case refused(ExternalSignIn.Refusal)
    }

    /// The account for a person the identity provider vouches for. `via` names the way in for the audit trail
    /// ("OpenID Connect (https://login.example)", "the web server's single sign-on").
    public func external(_ identity: ExternalIdentity, mapping: RoleMapping?, autoCreate: Role?, via: String) async throws -> ExternalOutcome {
        let store = environment.store
        let now = environment.now()
        var existing: User?
        if let email = identity.email { existing = try await store.users.find(email: email) }
        switch ExternalSignIn.decide(identity, existing: existing, mapping: mapping, autoCreate: autoCreate) {
        case let .refused(refusal):
            return .refused(refusal)
        case let .existing(found, role):
            return .signedIn(try await store.users.recordExternalSignIn(found.id, subject: identity.subject, role: role, via: via, at: now))
        case let .create(email, name, role):
            do {
                return .signedIn(try await store.users.createExternal(NewUser(email: email, name: name, role: role), id: environment.ids(),
                                                                      subject: identity.subject, via: via, at: now))
            } catch DomainError.duplicate {
                // Another instance created the account a moment ago, for the same person.
                guard let found = try await store.users.find(email: email) else { throw DomainError.notFound(entity: "user") }
                return .signedIn(found)
            }
        }
    }

    // MARK: - The code after a password

    public enum CodeOutcome: Equatable, Sendable {
        /// The user as now stored (one step or recovery code used up).
        case accepted(User, usedRecoveryCode: Bool)
        /// Wrong, reused or locked; a failure was counted.
        case refused
        /// The stored secret does not open with this institution key (`SECRET_KEY_FILE` was replaced).
        case unreadable
    }

    /// Checks a typed code or recovery code against `user`'s authenticator and stores what it used up or counted.
    public func confirm(_ typed: String, for user: User) async throws -> CodeOutcome {
        guard let factor = user.secondFactor else { return .refused }
        let secret: [UInt8]
        do { secret = try seal.open(factor.sealedSecret, for: user.id) } catch { return .unreadable }
        let now = environment.now()
        let users = environment.store.users
        switch SecondFactorRules.decide(factor, typed: String(typed.prefix(64)), secret: secret, now: now) {
        case let .refused(next, lockedNow):
            if next != factor {
                try await users.storeSecondFactor(user.id, next, action: lockedNow ? "lock_factor" : nil, by: Actor(userID: nil, label: "anonymous"), at: now)
            }
            return .refused
        case let .accepted(next, usedRecovery):
            try await users.storeSecondFactor(user.id, next, action: usedRecovery ? "recovery_code" : nil, by: Actor(user: user), at: now)
            var signedIn = user
            signedIn.secondFactor = next
            return .accepted(signedIn, usedRecoveryCode: usedRecovery)
        }
    }

    // MARK: - Enrolment, replacement, reset

    /// A new secret for `user` to scan, and the same sealed for them, to keep until they type its first code.
    public func newSecret(for user: User) throws -> (secret: [UInt8], sealed: Data) {
        var generator = SystemRandomNumberGenerator()
        let secret = TOTP.generateSecret(using: &generator)
        return (secret, try seal.seal(secret, for: user.id))
    }

    /// Turns the authenticator on once `typed` is the sealed secret's current code; returns the ten recovery codes
    /// to show once, or nil when the code does not match (or the secret was sealed for someone else).
    public func enrol(_ user: User, sealed: Data, typed: String) async throws -> [String]? {
        let now = environment.now()
        guard let secret = try? seal.open(sealed, for: user.id),
              let step = TOTP.matchingStep(String(typed.prefix(64)), secret: secret, at: now, after: 0) else { return nil }
        var generator = SystemRandomNumberGenerator()
        let codes = RecoveryCodes.generate(using: &generator)
        let factor = SecondFactor(sealedSecret: sealed, lastStep: step, recoveryHashes: codes.compactMap(RecoveryCodes.normalized).map(RecoveryCodes.hash),
                                  enrolledAt: now)
        try await environment.store.users.storeSecondFactor(user.id, factor, action: "enrol_factor", by: Actor(user: user), at: now)
        return codes
    }

    /// The person removes their own authenticator to set up a new one (a new phone); audited.
    public func replace(_ user: User) async throws {
        try await environment.store.users.storeSecondFactor(user.id, nil, action: "replace_factor", by: Actor(user: user), at: environment.now())
    }

    /// An admin, or the command line, removes someone's authenticator (a lost phone): audited, and that person's
    /// sessions end. False when they have none.
    public func reset(_ user: User, by actor: Actor) async throws -> Bool {
        guard user.secondFactor != nil else { return false }
        try await environment.store.users.storeSecondFactor(user.id, nil, action: "reset_factor", by: actor, at: environment.now())
        return true
    }

    // MARK: - Throttling per address

    /// Whether `address` has failed to sign in `sign_in.address_max_failures` times in the current window.
    public func isThrottled(address: String) async throws -> Bool {
        try await environment.store.signInThrottle.failures(Self.key(address), window: window, at: environment.now()) >= environment.policy.addressMaxFailures
    }

    public func recordFailure(address: String) async throws {
        try await environment.store.signInThrottle.recordFailure(Self.key(address), window: window, at: environment.now())
    }

    /// Deletes throttle windows that have run out (hourly upkeep); returns how many.
    public func sweepThrottle() async throws -> Int {
        try await environment.store.signInThrottle.deleteExpired(before: environment.now().addingTimeInterval(-window))
    }

    /// How long an address waits, in whole minutes, for messages.
    public var windowMinutes: Int { environment.policy.addressWindowMinutes }

    var window: TimeInterval { TimeInterval(environment.policy.addressWindowMinutes * 60) }

    static func key(_ address: String) -> String { "address:" + address }
}
