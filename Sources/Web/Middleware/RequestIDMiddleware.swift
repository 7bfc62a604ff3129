import Vapor

/// Returns the request id (already in `req.logger`'s metadata) as `X-Request-ID`, and sets
/// conservative security headers on every response.
struct RequestIDMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-ID", value: request.id)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if response.headers.first(name: "Referrer-Policy") == nil { response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin") }
        if response.headers.first(name: "Content-Security-Policy") == nil {
            response.headers.replaceOrAdd(
                name: "Content-Security-Policy",
                value: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        }
        return response
    }
}
