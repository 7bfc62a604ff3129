import Foundation

/// Which database to use, read from `DATABASE_URL`.
public enum DatabaseConfig: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLitePath = "var/vendor-review.sqlite"

    public enum ConfigError: Error, CustomStringConvertible, Equatable {
        case unsupported(scheme: String)
        case malformed(reason: String)

        public var description: String {
            switch self {
            case let .unsupported(scheme):
                "DATABASE_URL: unsupported scheme '\(scheme)'; use postgres://, postgresql:// or sqlite:///absolute/path.sqlite"
            case let .malformed(reason):
                "DATABASE_URL: \(reason)"
            }
        }
    }

    /// Parses `DATABASE_URL`. Unset or empty means the SQLite default under `workingDirectory`.
    public static func from(environment value: String?, workingDirectory: String) throws -> DatabaseConfig {
        guard let value, !value.isEmpty else {
            let base = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
            return .sqlite(path: base + defaultSQLitePath)
        }
        guard let schemeEnd = value.range(of: "://") else {
            throw ConfigError.malformed(reason: "expected a URL such as postgres://user@host/db or sqlite:///path.sqlite")
        }
        let scheme = value[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "postgres", "postgresql":
            guard let components = URLComponents(string: value), let host = components.host, !host.isEmpty else {
                throw ConfigError.malformed(reason: "a PostgreSQL URL needs a host, as in postgres://user@host:5432/db")
            }
            return .postgres(url: value)
        case "sqlite":
            let path = String(value[schemeEnd.upperBound...])
            guard path.hasPrefix("/"), path.count > 1 else {
                throw ConfigError.malformed(reason: "a SQLite URL needs an absolute path, as in sqlite:///srv/vendor-review.sqlite")
            }
            return .sqlite(path: path)
        default:
            throw ConfigError.unsupported(scheme: scheme)
        }
    }

    /// "sqlite" or "postgresql", as /healthz reports it.
    public var engineName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }

    /// A description safe for logs and error messages: never includes the password.
    public var redacted: String {
        switch self {
        case let .sqlite(path):
            return "sqlite file \(path)"
        case let .postgres(url):
            guard var components = URLComponents(string: url) else { return "postgresql (unparseable URL)" }
            if components.password != nil { components.password = "***" }
            components.query = nil
            return components.string ?? "postgresql"
        }
    }
}
