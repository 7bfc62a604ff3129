import Foundation

/// A link that lets a vendor contact answer one integration's questionnaires without an account.
/// Only the SHA-256 of its secret is stored; the secret itself is shown once and e-mailed.
public struct VendorLink: Equatable, Sendable {
    public typealias ID = Identifier<VendorLink>

    public enum State: String, Sendable {
        case active, expired, revoked

        public var label: String { rawValue.capitalized }
    }

    public let id: ID
    public let integrationID: Integration.ID
    public let contactName: String
    public let contactEmail: String
    /// The first characters of the secret, to tell links apart.
    public let hint: String
    public let createdBy: String
    public let createdAt: Date
    public let expiresAt: Date
    public var revokedAt: Date?
    public var revokedBy: String?
    public var lastUsedAt: Date?
    public var submittedAt: Date?

    public init(
        id: ID, integrationID: Integration.ID, contactName: String, contactEmail: String, hint: String, createdBy: String, createdAt: Date,
        expiresAt: Date, revokedAt: Date? = nil, revokedBy: String? = nil, lastUsedAt: Date? = nil, submittedAt: Date? = nil
    ) {
        self.id = id
        self.integrationID = integrationID
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.hint = hint
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.lastUsedAt = lastUsedAt
        self.submittedAt = submittedAt
    }

    public func state(at now: Date) -> State {
        if revokedAt != nil { return .revoked }
        return now < expiresAt ? .active : .expired
    }

    public func isUsable(at now: Date) -> Bool { state(at: now) == .active }

    public static let secretPrefix = "vl_"
    public static let defaultDays = 14
    public static let maxDays = 60
}

public struct VendorLinkFields: Equatable, Sendable {
    public let contactName: String
    public let contactEmail: String
    public let days: Int

    public init(contactName: String, contactEmail: String, days: Int = VendorLink.defaultDays) {
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.days = days
    }

    public static func validate(contactName: String?, contactEmail: String?, days: String?) throws -> VendorLinkFields {
        var errors = ValidationErrors()
        let name = Check.required(contactName, field: "contactName", label: "Contact name", max: 200, errors: &errors)
        let email = Check.email(contactEmail, field: "contactEmail", label: "Contact e-mail", required: true, errors: &errors)
        let rawDays = Check.trimmed(days)
        var count = VendorLink.defaultDays
        if !rawDays.isEmpty {
            if let value = Int(rawDays), (1...VendorLink.maxDays).contains(value) {
                count = value
            } else {
                errors.add("days", "A link lasts from 1 to \(VendorLink.maxDays) days.")
            }
        }
        try errors.throwIfAny()
        return VendorLinkFields(contactName: name, contactEmail: email ?? "", days: count)
    }
}

public protocol VendorLinkRepository: Sendable {
    func create(_ fields: VendorLinkFields, integration: Integration.ID, id: VendorLink.ID, secretHash: String, hint: String,
                by actor: Actor, at now: Date) async throws -> VendorLink
    func list(_ integration: Integration.ID) async throws -> [VendorLink]
    /// Every link not revoked, across integrations (one query, for queues and reminders).
    func allUnrevoked() async throws -> [VendorLink]
    func find(secretHash: String) async throws -> VendorLink?
    func revoke(_ id: VendorLink.ID, of integration: Integration.ID, by actor: Actor, at now: Date) async throws
    func touch(_ id: VendorLink.ID, at now: Date) async throws
    func markSubmitted(_ id: VendorLink.ID, by actor: Actor, at now: Date) async throws
}
