import Domain
import FluentKit
import Foundation

final class VendorLinkModel: Model, @unchecked Sendable {
    static let schema = "vendor_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "contact_name") var contactName: String
    @Field(key: "contact_email") var contactEmail: String
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "hint") var hint: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoked_by") var revokedBy: String?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "submitted_at") var submittedAt: Date?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $integrationID, $contactName, $contactEmail, $secretHash, $hint, $createdBy, $createdAt, $expiresAt, $revokedAt, $revokedBy,
         $lastUsedAt, $submittedAt]
    }

    init() {}

    func toDomain() throws -> VendorLink {
        guard let id else { throw PersistenceError.corruptRow(table: Self.schema) }
        return VendorLink(
            id: .init(id), integrationID: .init(integrationID), contactName: contactName, contactEmail: contactEmail, hint: hint,
            createdBy: createdBy, createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt, revokedBy: revokedBy,
            lastUsedAt: lastUsedAt, submittedAt: submittedAt)
    }
}
