import Domain
import Persistence
import Vapor

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = User }
    private struct SessionExpiredKey: StorageKey { typealias Value = Bool }

    /// The signed-in user (page routes) or the token's owner (API routes).
    var currentUser: User? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    var sessionExpired: Bool {
        get { storage[SessionExpiredKey.self] ?? false }
        set { storage[SessionExpiredKey.self] = newValue }
    }

    func requireUser() throws -> User {
        guard let user = currentUser else { throw Abort(.unauthorized) }
        return user
    }

    var actor: Actor { currentUser.map(Actor.init(user:)) ?? .system }
}

enum SessionKeys {
    static let userID = "uid"
    static let lastSeen = "seen"
    static let csrf = "csrf"
    static let flash = "flash"
}

/// Loads the signed-in user from the database-backed session; ends idle sessions.
struct SessionUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.hasSession, let raw = request.session.data[SessionKeys.userID], let id = User.ID(string: raw) {
            let now = request.now
            let seen = request.session.data[SessionKeys.lastSeen].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            if let seen, now.timeIntervalSince(seen) > request.context.config.sessionIdleTimeout {
                request.session.data[SessionKeys.userID] = nil
                request.sessionExpired = true
            } else if let user = try await request.store.users.find(id), user.isActive {
                request.currentUser = user
                // Write the session back at most once a minute, not on every request.
                if seen.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                    request.session.data[SessionKeys.lastSeen] = String(now.timeIntervalSince1970)
                }
            } else {
                request.session.data[SessionKeys.userID] = nil
            }
        }
        return try await next.respond(to: request)
    }
}

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

/// Enforces a route's declared `Access`. Pages send anonymous people to the login form (and back
/// afterwards); the API answers 401. A signed-in user without the role gets 403.
struct AccessMiddleware: AsyncMiddleware {
    let access: Access
    let kind: RouteSpec.Kind

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let role = request.currentUser?.role
        if access.allows(role) { return try await next.respond(to: request) }
        if role != nil { throw Abort(.forbidden) }
        if kind == .api { throw DomainError.invalidToken }
        // Come back here after signing in, but only to a page one can GET.
        let target = request.method == .GET ? request.url.string : nil
        if request.sessionExpired {
            request.session.data[SessionKeys.flash] = "Your session expired. Please sign in again."
        }
        return request.redirect(to: SiteURL.login(next: target).path, redirectType: .normal)
    }
}
