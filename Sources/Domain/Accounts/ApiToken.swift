import Crypto
import Foundation

/// An API token: the value is shown once; only its SHA-256 is stored.
public struct ApiToken: Equatable, Sendable {
    public typealias ID = Identifier<ApiToken>

    public let id: ID
    public let userID: User.ID
    public let purpose: String
    /// The first characters of the token, safe to show so a person can tell tokens apart.
    public let hint: String
    public let tokenHash: String
    public let createdAt: Date
    public let expiresAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: ID, userID: User.ID, purpose: String, hint: String, tokenHash: String, createdAt: Date,
        expiresAt: Date, lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.purpose = purpose
        self.hint = hint
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public func isUsable(at now: Date) -> Bool { revokedAt == nil && now < expiresAt }

    public func status(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        if now >= expiresAt { return "expired" }
        return "active"
    }
}

/// The rules a token request must meet: a purpose, and an expiry of at most a year.
public struct TokenRequest: Equatable, Sendable {
    public static let maxDays = 365
    public let purpose: String
    public let expiresInDays: Int

    public init(purpose: String, expiresInDays: Int) {
        self.purpose = purpose
        self.expiresInDays = expiresInDays
    }

    public static func validate(purpose: String?, expiresInDays: String?) throws -> TokenRequest {
        var errors = ValidationErrors()
        let purpose = Check.required(purpose, field: "purpose", label: "Purpose", max: 200, errors: &errors)
        if !purpose.isEmpty && purpose.count < 5 {
            errors.add("purpose", "Purpose must say what the token is for (at least 5 characters).")
        }
        let days = Int(Check.trimmed(expiresInDays))
        if days == nil {
            errors.add("expiresInDays", "Expiry is required: a number of days from 1 to \(maxDays).")
        } else if let days, !(1...maxDays).contains(days) {
            errors.add("expiresInDays", "Expiry must be from 1 to \(maxDays) days.")
        }
        try errors.throwIfAny()
        return TokenRequest(purpose: purpose, expiresInDays: days!)
    }
}

public enum TokenSecret {
    public static let prefix = "vr_"

    /// A new token value from 32 random bytes, URL-safe base64 with a recognisable prefix.
    public static func generate<G: RandomNumberGenerator>(prefix: String = prefix, using generator: inout G) -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// Hex SHA-256 of the token value: what is stored and looked up.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    public static func hint(_ token: String, prefix: String = prefix) -> String { String(token.prefix(prefix.count + 4)) + "…" }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte.
    var hexString: String {
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self { Hex.append(byte, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    var hexString: String { withUnsafeBytes { $0.hexString } }
}
