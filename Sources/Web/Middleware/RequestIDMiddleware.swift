import Vapor

/// Returns the request id (already in `req.logger`'s metadata) as `X-Request-ID`, and sets
/// conservative security headers on every response; with `strictTransport` (the app's public
/// address is https) also HSTS, so a browser never comes back over plain HTTP.
struct RequestIDMiddleware: AsyncMiddleware {
    /// A year, without includeSubDomains: the institution's other hosts are not ours to decide for.
    static let hsts = "max-age=31536000"
    var strictTransport = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if strictTransport { response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.hsts) }
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
