import Domain
import Vapor

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
