import Foundation

public protocol UserRepository: Sendable {
    func find(_ id: User.ID) async throws -> User?
    func find(email: String) async throws -> User?
    func list() async throws -> [User]
    func count() async throws -> Int
    /// Throws `.duplicate(field: "email")` when the e-mail is taken.
    func create(_ user: NewUser, id: User.ID, passwordHash: String, by actor: Actor, at now: Date) async throws -> User
    func update(_ id: User.ID, to changes: UserChanges, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> User
    /// Stores the outcome of a login attempt; audits lock-outs and sign-ins.
    func recordLogin(_ id: User.ID, state: LoginState, succeeded: Bool, lockedNow: Bool, at now: Date) async throws
    /// Stores an enrolled, used or reset authenticator (nil removes it), audited as `action` ("enrol_factor",
    /// "reset_factor", "lock_factor", "recovery_code") unless `action` is nil; a reset also ends the person's sessions.
    func storeSecondFactor(_ id: User.ID, _ factor: SecondFactor?, action: String?, by actor: Actor, at now: Date) async throws
    /// Creates an account for a person the identity provider vouches for; it has no usable password.
    func createExternal(_ user: NewUser, id: User.ID, subject: String, via method: String, at now: Date) async throws -> User
    /// Records a single sign-on: the provider's subject, and the role its groups give when that differs (audited,
    /// ending the person's other sessions).
    func recordExternalSignIn(_ id: User.ID, subject: String, role: Role?, via method: String, at now: Date) async throws -> User
}

/// Failed sign-ins counted per key (an address) in the database, so every instance on one database sees the same
/// count. A window starts at the first failure and lasts `window`; the count starts again after it.
public protocol SignInThrottleRepository: Sendable {
    /// Failures recorded for `key` in the window still open at `now` (0 when it has run out).
    func failures(_ key: String, window: TimeInterval, at now: Date) async throws -> Int
    /// Counts one more failure, in one statement, so concurrent instances never lose one.
    func recordFailure(_ key: String, window: TimeInterval, at now: Date) async throws
    /// Deletes windows that ended before `cutoff`.
    func deleteExpired(before cutoff: Date) async throws -> Int
}

public protocol ApiTokenRepository: Sendable {
    func create(_ token: ApiToken, by actor: Actor) async throws
    func list(userID: User.ID) async throws -> [ApiToken]
    func find(hash: String) async throws -> ApiToken?
    /// Revokes a token belonging to `userID`; `.notFound` when it is not theirs.
    func revoke(_ id: ApiToken.ID, userID: User.ID, by actor: Actor, at now: Date) async throws
    func touch(_ id: ApiToken.ID, at now: Date) async throws
}
