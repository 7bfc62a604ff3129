import Domain
import FluentKit
import Foundation

final class VendorModel: Model, @unchecked Sendable {
    static let schema = "vendors"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// Lower-cased name: unique (names are unique regardless of case) and used for search and sorting.
    @Field(key: "name_key") var nameKey: String
    @OptionalField(key: "website") var website: String?
    @OptionalField(key: "security_contact_email") var securityContactEmail: String?
    @Field(key: "standing") var standing: String
    @OptionalField(key: "notes") var notes: String?
    @OptionalField(key: "privacy_policy_url") var privacyPolicyURL: String?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $name, $nameKey, $website, $securityContactEmail, $standing, $notes, $privacyPolicyURL, $version, $createdAt, $updatedAt] }

    init() {}

    func apply(_ fields: VendorFields) {
        name = fields.name
        nameKey = fields.name.lowercased()
        website = fields.website
        securityContactEmail = fields.securityContactEmail
        standing = fields.standing.rawValue
        notes = fields.notes
        privacyPolicyURL = fields.privacyPolicyURL
    }

    func toDomain() throws -> Vendor {
        guard let id, let standing = VendorStanding(rawValue: standing) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        let fields = VendorFields(
            name: name, website: website, securityContactEmail: securityContactEmail, standing: standing, notes: notes,
            privacyPolicyURL: privacyPolicyURL)
        return Vendor(id: .init(id), fields: fields, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
