import Foundation

/// Where and how to reach an SMTP server, from `SMTP_URL=smtp://[user:password@]host[:port][?starttls=require]`.
struct SMTPSettings: Sendable, Equatable {
    enum Security: String, Sendable { case none, starttls }

    let host: String
    let port: Int
    let security: Security
    let username: String?
    let password: String?
    /// Extra trusted certificates (PEM) for a server signed by an internal authority.
    let caFile: String?

    static func parse(_ raw: String, caFile: String?) throws -> SMTPSettings {
        guard let url = URLComponents(string: raw), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty else {
            throw ConfigurationError(variable: "SMTP_URL", problem: "must look like smtp://host:587 (optionally smtp://user:password@host:587?starttls=require)")
        }
        let port = url.port ?? 25
        guard (1...65_535).contains(port) else { throw ConfigurationError(variable: "SMTP_URL", problem: "port must be 1 to 65535") }
        var security = Security.none
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("starttls", "require"): security = .starttls
            case ("starttls", "off"): security = .none
            default: throw ConfigurationError(variable: "SMTP_URL", problem: "the only option is starttls=require or starttls=off")
            }
        }
        let username = url.user.flatMap { $0.removingPercentEncoding }
        let password = url.password.flatMap { $0.removingPercentEncoding }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host.lowercased())
        if username != nil && security == .none && !loopback {
            throw ConfigurationError(variable: "SMTP_URL", problem: "credentials are sent only over TLS: add ?starttls=require")
        }
        return SMTPSettings(host: host, port: port, security: security, username: username, password: password,
                            caFile: caFile.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// For logs: never the credentials.
    var description: String { "smtp://\(host):\(port)" + (security == .starttls ? " (STARTTLS)" : "") }
}
