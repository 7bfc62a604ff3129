import Domain
import Crypto
import Foundation
import Vapor

enum CSRF {
    static let field = "_csrf"

    /// The session's CSRF token, created on first use.
    static func token(for request: Request) -> String {
        if let existing = request.session.data[SessionKeys.csrf] { return existing }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        request.session.data[SessionKeys.csrf] = token
        return token
    }

    /// Constant-time comparison so response timing says nothing about the expected token.
    static func matches(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// Refuses state-changing form posts whose `_csrf` field does not match the session's token.
struct CSRFMiddleware: AsyncMiddleware {
    struct Failure: Error {}
    /// A body over the route's limit, with the limit in words ("files up to 20 MB").
    struct TooLarge: Error {
        let limit: String
    }

    /// The route's body limit; nil means the app's default.
    var maxBodySize: Int? = nil

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The token is in the body, which may still be streaming in: collect it first, within the
        // route's limit (a larger body is answered 413 here, before anything else happens).
        if request.body.data == nil {
            let limit = maxBodySize ?? request.application.routes.defaultMaxBodySize.value
            do {
                _ = try await request.body.collect(max: limit).get()
            } catch let abort as any AbortError where abort.status == .payloadTooLarge {
                // Upload routes are the ones with a limit of their own: name the file limit people know.
                throw TooLarge(limit: maxBodySize == nil ? "forms up to \(DocumentCheck.megabytes(limit))"
                                                         : "files up to \(DocumentCheck.megabytes(request.context.config.maxDocumentBytes))")
            }
        }
        let sent = request.headers.first(name: "X-CSRF-Token") ?? (try? request.content.get(String.self, at: CSRF.field))
        guard request.hasSession, let expected = request.session.data[SessionKeys.csrf],
              let sent, CSRF.matches(sent, expected)
        else {
            request.logger.warning("CSRF check failed", metadata: ["path": .string(request.url.path)])
            throw Failure()
        }
        return try await next.respond(to: request)
    }
}
