import Domain
import Persistence
import Vapor

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

