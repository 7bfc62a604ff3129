import Domain
import Vapor

/// Turns every error into a page (HTML routes) or a JSON error body (`/api/`), never a stack trace.
/// 5xx are logged at error level with the request id; the user sees a generic message.
struct ErrorPageMiddleware: AsyncMiddleware {
    struct APIErrorBody: Content {
        struct Detail: Content {
            let code: String
            let message: String
            let fields: [String: String]
        }
        let error: Detail
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var mapped = ErrorMapping.map(error)
            // No route for this method, but one for the path: 405 with the methods that are routed.
            var allow: [HTTPMethod] = []
            if mapped.status == .notFound, request.route == nil {
                allow = AllowedMethods.of(request.url.path, in: request.application.routes)
                if !allow.isEmpty, !allow.contains(request.method) {
                    mapped = ErrorMapping(status: .methodNotAllowed, code: "method_not_allowed",
                                          message: "\(request.method.rawValue) is not allowed here; use \(allow.map(\.rawValue).joined(separator: ", ")).", fields: [:])
                } else {
                    allow = []
                }
            }
            let response = try await render(mapped, error: error, for: request)
            if !allow.isEmpty { response.headers.replaceOrAdd(name: .allow, value: allow.map(\.rawValue).joined(separator: ", ")) }
            return response
        }
    }

    private func render(_ mapped: ErrorMapping, error: any Error, for request: Request) async throws -> Response {
        if mapped.status.code >= 500 {
            request.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
        }
        if request.url.path.hasPrefix("/api/") {
            let body = APIErrorBody(error: .init(code: mapped.code, message: mapped.message, fields: mapped.fields))
            let response = Response(status: mapped.status)
            try response.content.encode(body, as: .json)
            if mapped.status == .unauthorized {
                response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
            }
            return response
        }
        return await Self.errorPage(mapped, for: request)
    }

    /// A vendor (on an answer link) is led back to their questionnaires, never to a staff page.
    static func way(back request: Request) -> (url: String, label: String) {
        let parts = request.url.path.split(separator: "/")
        if parts.first == "respond", parts.count >= 2 {
            return (SiteURL.respond(String(parts[1])).path, "Back to your questionnaires")
        }
        return request.currentUser == nil ? (SiteURL.login().path, "Sign in") : (SiteURL.home.path, "Back to the dashboard")
    }

    static func errorPage(_ mapped: ErrorMapping, for request: Request) async -> Response {
        let back = way(back: request)
        let page = ErrorPageContext(
            layout: LayoutContext(request, title: mapped.status.reasonPhrase),
            status: Int(mapped.status.code), heading: mapped.status.reasonPhrase, message: mapped.message,
            requestID: request.id, backURL: back.url, backLabel: back.label)
        do {
            let response = try await request.view.render("errors/error", page).encodeResponse(for: request).get()
            response.status = mapped.status
            return response
        } catch {
            request.logger.error("error page failed to render", metadata: ["error": .string(String(reflecting: error))])
            let response = Response(status: mapped.status, body: .init(string: "\(mapped.status.code) \(mapped.message)"))
            response.headers.contentType = .plainText
            return response
        }
    }
}
