import Domain
import Foundation

/// How people sign in, read from the environment at start-up. With nothing set: local passwords for everyone,
/// as before single sign-on existed.
public struct SignInSettings: Sendable {
    /// OpenID Connect (`OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET_FILE`, …); nil when not configured.
    public struct OpenID: Sendable {
        public var issuer: String
        public var clientID: String
        /// Held in memory only, read from `OIDC_CLIENT_SECRET_FILE`.
        var clientSecret: String
        public var scopes: String
        /// The button's words: "Sign in with <name>" (`OIDC_NAME`, default the institution's name).
        public var name: String
        /// The claim matched against accounts' e-mail (`OIDC_MATCH_CLAIM`, default `email`, which counts only
        /// when `email_verified` is true).
        public var matchClaim: String
        public var autoCreate: Role?
        public var roleClaim: String?
        public var roleMapping: RoleMapping?
    }

    /// Trusted-header mode (`TRUSTED_HEADER_AUTH=on`): a web server in front (Apache with mod_shib or
    /// mod_auth_mellon) signs people in and passes who they are in request headers.
    public struct TrustedHeaders: Sendable {
        public var user = "X-Remote-User"
        public var email = "X-Remote-Email"
        public var name = "X-Remote-Name"
        public var groups = "X-Remote-Groups"
        public var autoCreate: Role?
        public var roleMapping: RoleMapping?

        var all: [String] { [user, email, name, groups] }
    }

    public var openID: OpenID?
    public var trustedHeaders: TrustedHeaders?
    /// `TRUSTED_PROXIES`: who may speak for a client in `X-Forwarded-For` and in the sign-in headers.
    public var trustedProxies: TrustedProxies = .none
    /// `LOCAL_PASSWORDS=off` keeps the password form for `BREAK_GLASS_ADMINS` only.
    public var localPasswords: LocalPasswords = .everyone

    public var singleSignOn: Bool { openID != nil || trustedHeaders != nil }

    public static let standard = SignInSettings()

    static func from(environment env: [String: String], institutionName: String, root: String) throws -> SignInSettings {
        func value(_ name: String) -> String? {
            env[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func role(_ name: String) throws -> Role? {
            guard let raw = value(name), raw.lowercased() != "off" else { return nil }
            guard let role = Role(rawValue: raw) else {
                throw ConfigurationError(variable: name, problem: "name the role new accounts get (admin, reviewer, procurement or auditor), or off")
            }
            return role
        }
        func mapping(_ name: String) throws -> RoleMapping? {
            guard let raw = value(name) else { return nil }
            do { return try RoleMapping.parse(raw) } catch {
                throw ConfigurationError(variable: name, problem: "write group=role pairs separated by ; (roles: admin, reviewer, procurement, auditor)")
            }
        }
        func header(_ name: String, default fallback: String) throws -> String {
            let header = value(name) ?? fallback
            guard header.count <= 64, header.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw ConfigurationError(variable: name, problem: "must be a header name (letters, digits, - and _)")
            }
            return header
        }

        var settings = SignInSettings()
        if let raw = value("TRUSTED_PROXIES") {
            do { settings.trustedProxies = try TrustedProxies.parse(raw) } catch {
                throw ConfigurationError(variable: "TRUSTED_PROXIES", problem: "list addresses or CIDR blocks separated by commas, such as 127.0.0.1, 10.0.0.0/8, ::1")
            }
        }

        if let issuer = value("OIDC_ISSUER") {
            guard let url = URL(string: issuer), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
                  scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host)) else {
                throw ConfigurationError(variable: "OIDC_ISSUER", problem: "must be the provider's https:// address (http:// only on loopback, for tests)")
            }
            guard let clientID = value("OIDC_CLIENT_ID") else {
                throw ConfigurationError(variable: "OIDC_CLIENT_ID", problem: "set it to the client id the identity provider gave this app")
            }
            guard let secretPath = value("OIDC_CLIENT_SECRET_FILE") else {
                throw ConfigurationError(variable: "OIDC_CLIENT_SECRET_FILE", problem: "set it to a file holding the client secret")
            }
            let path = secretPath.hasPrefix("/") ? secretPath : root + secretPath
            guard let data = FileManager.default.contents(atPath: path), data.count <= 4_096 else {
                throw ConfigurationError(variable: "OIDC_CLIENT_SECRET_FILE", problem: "cannot read the file it names (at most 4 KB)")
            }
            let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty, !secret.contains(where: \.isNewline) else {
                throw ConfigurationError(variable: "OIDC_CLIENT_SECRET_FILE", problem: "the file does not hold a secret (expected one line of text)")
            }
            let scopes = value("OIDC_SCOPES") ?? "openid email profile"
            guard scopes.split(separator: " ").contains("openid"), scopes.count <= 500, !Check.hasControlCharacters(scopes, multiline: false) else {
                throw ConfigurationError(variable: "OIDC_SCOPES", problem: "must be scopes separated by spaces, including openid")
            }
            let name = value("OIDC_NAME") ?? institutionName
            guard name.count <= 80, !Check.hasControlCharacters(name, multiline: false) else {
                throw ConfigurationError(variable: "OIDC_NAME", problem: "must be a plain name of at most 80 characters")
            }
            let roleClaim = value("OIDC_ROLE_CLAIM")
            let roleMapping = try mapping("OIDC_ROLE_MAP")
            if (roleClaim == nil) != (roleMapping == nil) {
                throw ConfigurationError(variable: roleClaim == nil ? "OIDC_ROLE_CLAIM" : "OIDC_ROLE_MAP",
                                         problem: "OIDC_ROLE_CLAIM (the groups claim) and OIDC_ROLE_MAP (group=role pairs) go together")
            }
            settings.openID = OpenID(
                issuer: issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer, clientID: clientID, clientSecret: secret, scopes: scopes,
                name: name, matchClaim: value("OIDC_MATCH_CLAIM") ?? "email", autoCreate: try role("OIDC_AUTO_CREATE"),
                roleClaim: roleClaim, roleMapping: roleMapping)
        }

        if try EnvironmentSwitch.read(env, "TRUSTED_HEADER_AUTH", default: false, problem: "use on or off") {
            guard !settings.trustedProxies.isEmpty else {
                throw ConfigurationError(variable: "TRUSTED_PROXIES", problem: "trusted-header mode needs the web server's address here; headers from anyone else are refused")
            }
            var headers = TrustedHeaders()
            headers.user = try header("TRUSTED_HEADER_USER", default: headers.user)
            headers.email = try header("TRUSTED_HEADER_EMAIL", default: headers.email)
            headers.name = try header("TRUSTED_HEADER_NAME", default: headers.name)
            headers.groups = try header("TRUSTED_HEADER_GROUPS", default: headers.groups)
            headers.autoCreate = try role("TRUSTED_HEADER_AUTO_CREATE")
            headers.roleMapping = try mapping("TRUSTED_HEADER_ROLE_MAP")
            settings.trustedHeaders = headers
        }

        if try !EnvironmentSwitch.read(env, "LOCAL_PASSWORDS", default: true,
                                       problem: "use on (everyone may use a password) or off (only BREAK_GLASS_ADMINS)") {
            guard settings.singleSignOn else {
                throw ConfigurationError(variable: "LOCAL_PASSWORDS", problem: "off needs a way in: set OIDC_ISSUER or TRUSTED_HEADER_AUTH=on")
            }
            let admins = (value("BREAK_GLASS_ADMINS") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard admins.allSatisfy(Check.isEmail) else {
                throw ConfigurationError(variable: "BREAK_GLASS_ADMINS", problem: "list e-mail addresses separated by commas")
            }
            settings.localPasswords = .only(Set(admins))
        }
        return settings
    }
}
