import Vapor

/// The address links in mail and on pages are built on: `PUBLIC_URL` when it is set, otherwise the
/// address the HTTP server actually listens on, read when a link is made (so `serve --port 8181`
/// gives http://127.0.0.1:8181/…, and a wildcard bind is reached through the loopback address).
struct PublicAddress: Sendable {
    let configured: String?
    /// Read when a link is made, never at start-up: the server is made after the routes are
    /// registered, and it knows its address only once it listens.
    let application: Application

    var base: String {
        if let configured { return configured.hasSuffix("/") ? String(configured.dropLast()) : configured }
        guard case let .hostname(host, port) = application.http.server.shared.configuration.address else { return "http://127.0.0.1:8080" }
        let name = switch host ?? "127.0.0.1" {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        case let other where other.contains(":") && !other.hasPrefix("["): "[\(other)]"
        case let other: other
        }
        return "http://\(name):\(port ?? 8080)"
    }

    func absolute(_ url: SiteURL) -> String { absolute(path: url.path) }

    func absolute(path: String) -> String { base + path }
}
