import Domain
import Foundation

/// API tokens: issued from the account page and the command line; only the hash is kept.
public struct TokenIssuance: Sendable {
    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

    /// Issues a token for `user` and returns its secret, shown once.
    public func issue(_ request: TokenRequest, for user: User, by actor: Actor) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let secret = TokenSecret.generate(using: &generator)
        let now = environment.now()
        let token = ApiToken(
            id: environment.ids(), userID: user.id, purpose: request.purpose, hint: TokenSecret.hint(secret),
            tokenHash: TokenSecret.hash(secret), createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(request.expiresInDays) * 86_400))
        try await environment.store.tokens.create(token, by: actor)
        return secret
    }

    /// Revokes one of the user's own tokens.
    public func revoke(_ id: ApiToken.ID, of user: User) async throws {
        try await environment.store.tokens.revoke(id, userID: user.id, by: Actor(user: user), at: environment.now())
    }
}
