import Domain
import Vapor

/// Authenticates `/api/v1` requests by `Authorization: Bearer <token>`; never uses cookies.
struct BearerTokenMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            let now = request.now
            guard let token = try await request.store.tokens.find(hash: TokenSecret.hash(bearer.token)),
                  token.isUsable(at: now),
                  let user = try await request.store.users.find(token.userID), user.isActive
            else { throw DomainError.invalidToken }
            request.currentUser = user
            if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                try await request.store.tokens.touch(token.id, at: now)
            }
        }
        return try await next.respond(to: request)
    }
}
