import Foundation

/// One claim's value as an ID token carries it.
public enum ClaimValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case strings([String])
    case other

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var number: Double? { if case let .number(value) = self { value } else { nil } }
    /// A list claim (`groups`), also when a provider sends one value as a plain string.
    public var strings: [String] {
        switch self {
        case let .strings(values): values
        case let .string(value): [value]
        default: []
        }
    }
    /// `email_verified`, which some providers send as the string "true".
    public var truth: Bool {
        switch self {
        case let .bool(value): value
        case let .string(value): value.lowercased() == "true"
        default: false
        }
    }
}

/// Why an ID token was refused. The sign-in page shows one sentence for all of them; the log names which.
public enum IDTokenProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongIssuer
    case wrongAudience
    case wrongAuthorizedParty
    case missingClaim(String)
    case expired
    case issuedInFuture
    case issuedTooLongAgo
    case wrongNonce

    public var description: String {
        switch self {
        case .wrongIssuer: "iss is not the configured issuer"
        case .wrongAudience: "aud does not name this client"
        case .wrongAuthorizedParty: "azp does not name this client"
        case let .missingClaim(name): "the token has no \(name)"
        case .expired: "the token has expired"
        case .issuedInFuture: "iat is in the future"
        case .issuedTooLongAgo: "iat is too long ago"
        case .wrongNonce: "nonce does not match this sign-in"
        }
    }
}

/// The checks OpenID Connect Core §3.1.3.7 asks of a relying party once the signature is verified.
public enum IDTokenRules {
    /// How far the provider's clock may be from ours.
    public static let clockSkew: TimeInterval = 120
    /// An ID token is used at once; one issued longer ago than this is not from the sign-in under way.
    public static let maxAge: TimeInterval = 600

    public static func check(_ claims: [String: ClaimValue], issuer: String, clientID: String, nonce: String, now: Date) throws {
        guard let iss = claims["iss"]?.string else { throw IDTokenProblem.missingClaim("iss") }
        guard iss == issuer else { throw IDTokenProblem.wrongIssuer }
        guard claims["sub"]?.string.map({ !$0.isEmpty }) ?? false else { throw IDTokenProblem.missingClaim("sub") }
        guard let aud = claims["aud"]?.strings, !aud.isEmpty else { throw IDTokenProblem.missingClaim("aud") }
        guard aud.contains(clientID) else { throw IDTokenProblem.wrongAudience }
        if let azp = claims["azp"]?.string, azp != clientID { throw IDTokenProblem.wrongAuthorizedParty }
        if aud.count > 1, claims["azp"] == nil { throw IDTokenProblem.wrongAuthorizedParty }
        guard let exp = claims["exp"]?.number else { throw IDTokenProblem.missingClaim("exp") }
        guard now.timeIntervalSince1970 < exp + clockSkew else { throw IDTokenProblem.expired }
        guard let iat = claims["iat"]?.number else { throw IDTokenProblem.missingClaim("iat") }
        guard iat <= now.timeIntervalSince1970 + clockSkew else { throw IDTokenProblem.issuedInFuture }
        guard now.timeIntervalSince1970 - iat <= maxAge + clockSkew else { throw IDTokenProblem.issuedTooLongAgo }
        guard let sent = claims["nonce"]?.string else { throw IDTokenProblem.missingClaim("nonce") }
        guard TOTP.constantTimeEqual(sent, nonce) else { throw IDTokenProblem.wrongNonce }
    }
}

/// A person the identity provider (OpenID or the web server's SAML module) vouches for.
public struct ExternalIdentity: Equatable, Sendable {
    /// The provider's stable id for the person (`sub`, or the user header).
    public let subject: String
    /// Lower case; nil when the provider did not vouch for one.
    public let email: String?
    public let name: String?
    public let groups: [String]

    public init(subject: String, email: String?, name: String?, groups: [String]) {
        self.subject = subject
        self.email = email?.lowercased()
        self.name = name
        self.groups = groups
    }

    /// From verified ID token claims. An e-mail counts only with `email_verified` true; `matchClaim` other
    /// than "email" names the claim whose value is matched against accounts' e-mail instead.
    public static func from(claims: [String: ClaimValue], matchClaim: String, roleClaim: String?) -> ExternalIdentity {
        let email: String?
        if matchClaim == "email" {
            email = (claims["email_verified"]?.truth ?? false) ? claims["email"]?.string : nil
        } else {
            email = claims[matchClaim]?.string
        }
        return ExternalIdentity(
            subject: claims["sub"]?.string ?? "", email: email.flatMap { Check.isEmail($0) ? $0 : nil },
            name: claims["name"]?.string, groups: roleClaim.flatMap { claims[$0]?.strings } ?? [])
    }
}

/// Which role a provider's groups give, from `OIDC_ROLE_MAP` (`group=role;group=role`): the first entry, in
/// the order written, whose group the person is in.
public struct RoleMapping: Equatable, Sendable {
    public let entries: [(group: String, role: Role)]

    public static func == (a: RoleMapping, b: RoleMapping) -> Bool {
        a.entries.map(\.group) == b.entries.map(\.group) && a.entries.map(\.role) == b.entries.map(\.role)
    }

    public init(entries: [(group: String, role: Role)]) { self.entries = entries }

    public enum Problem: Error, Equatable { case malformed(String), unknownRole(String) }

    public static func parse(_ text: String) throws -> RoleMapping {
        var entries: [(group: String, role: Role)] = []
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { throw Problem.malformed(String(part)) }
            guard let role = Role(rawValue: pair[1]) else { throw Problem.unknownRole(pair[1]) }
            entries.append((pair[0], role))
        }
        return RoleMapping(entries: entries)
    }

    public func role(for groups: [String]) -> Role? {
        let held = Set(groups)
        return entries.first { held.contains($0.group) }?.role
    }
}

/// How a session was created; a session stays valid only while that way is still open to its user.
public enum SignInMethod: String, Sendable, CaseIterable {
    case password
    case passwordAndCode = "password+totp"
    case openID = "oidc"
    case trustedHeader = "header"
}

/// Who may sign in with a local password (`LOCAL_PASSWORDS`).
public enum LocalPasswords: Equatable, Sendable {
    case everyone
    /// Only these accounts (the break-glass admins) when single sign-on is the way in.
    case only(Set<String>)

    public func allows(_ email: String) -> Bool {
        switch self {
        case .everyone: true
        case let .only(emails): emails.contains(email.lowercased())
        }
    }
}

/// What an external sign-in does to the account it names.
public enum ExternalSignIn: Equatable, Sendable {
    /// Sign in this existing account, first setting its role to `role` when the groups claim gives a different one.
    case existing(User, role: Role?)
    /// Create an account with this role (`OIDC_AUTO_CREATE`).
    case create(email: String, name: String, role: Role)
    case refused(Refusal)

    public enum Refusal: Equatable, Sendable, CustomStringConvertible {
        case noVerifiedEmail
        case unknownPerson
        case deactivated
        case noRoleFromGroups

        public var description: String {
            switch self {
            case .noVerifiedEmail: "the provider gave no verified e-mail"
            case .unknownPerson: "no account has this e-mail, and OIDC_AUTO_CREATE is off"
            case .deactivated: "the account is deactivated"
            case .noRoleFromGroups: "no group maps to a role"
            }
        }
    }

    /// Decides an external sign-in. With a role mapping, a person in none of its groups is refused (their role
    /// cannot be known), and a matching group's role replaces the stored one at every sign-in.
    public static func decide(_ identity: ExternalIdentity, existing: User?, mapping: RoleMapping?, autoCreate: Role?) -> ExternalSignIn {
        guard let email = identity.email else { return .refused(.noVerifiedEmail) }
        let mapped = mapping.map { $0.role(for: identity.groups) }
        if let mapped, mapped == nil { return .refused(.noRoleFromGroups) }
        if let existing {
            guard existing.isActive else { return .refused(.deactivated) }
            let role = mapped.flatMap { $0 }
            return .existing(existing, role: role == existing.role ? nil : role)
        }
        guard let autoCreate else { return .refused(.unknownPerson) }
        // A name with control, format (bidirectional overrides) or unassigned characters is not taken: the e-mail stands in.
        let name = identity.name.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(120)) }
            .flatMap { $0.isEmpty || Excerpt.of($0, limit: 120) != $0 ? nil : $0 } ?? email
        return .create(email: email, name: name, role: mapped.flatMap { $0 } ?? autoCreate)
    }
}
