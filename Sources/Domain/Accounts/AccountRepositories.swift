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
}

public protocol ApiTokenRepository: Sendable {
    func create(_ token: ApiToken, by actor: Actor) async throws
    func list(userID: User.ID) async throws -> [ApiToken]
    func find(hash: String) async throws -> ApiToken?
    /// Revokes a token belonging to `userID`; `.notFound` when it is not theirs.
    func revoke(_ id: ApiToken.ID, userID: User.ID, by actor: Actor, at now: Date) async throws
    func touch(_ id: ApiToken.ID, at now: Date) async throws
}
