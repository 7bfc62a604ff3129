import Vapor

/// Runs its middleware for web pages only. The JSON API and the health check never read or write
/// cookies or sessions: the API authenticates by bearer token, which also keeps it free of CSRF.
struct PageOnlyMiddleware: AsyncMiddleware {
    let middleware: [any Middleware]

    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/api" || path == "/healthz")
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.isPage(request.url.path) else { return try await next.respond(to: request) }
        return try await middleware.makeResponder(chainingTo: next).respond(to: request).get()
    }
}
