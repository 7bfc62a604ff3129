import Domain
import Vapor

struct VendorJSON: Content {
    let id: String
    let name: String
    let website: String?
    let securityContactEmail: String?
    let standing: String
    let notes: String?
    let privacyPolicyURL: String?
    let version: Int
    let createdAt: String
    let updatedAt: String

    init(_ vendor: Vendor) {
        id = vendor.id.description
        name = vendor.name
        website = vendor.fields.website
        securityContactEmail = vendor.fields.securityContactEmail
        standing = vendor.fields.standing.rawValue
        notes = vendor.fields.notes
        privacyPolicyURL = vendor.fields.privacyPolicyURL
        version = vendor.version
        createdAt = Format.iso(vendor.createdAt)
        updatedAt = Format.iso(vendor.updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, website, securityContactEmail, standing, notes, privacyPolicyURL, version, createdAt, updatedAt
    }

    /// Empty optional fields are sent as `null`, never left out, so clients see every field.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(website, forKey: .website)
        try container.encode(securityContactEmail, forKey: .securityContactEmail)
        try container.encode(standing, forKey: .standing)
        try container.encode(notes, forKey: .notes)
        try container.encode(privacyPolicyURL, forKey: .privacyPolicyURL)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

struct VendorListJSON: Content {
    let items: [VendorJSON]
    let page: Int
    let perPage: Int
    let total: Int
}

/// Body of POST and PATCH. For PATCH, absent fields keep their value and `version` is required.
struct VendorPatchJSON: Content {
    var name: String?
    var website: String?
    var securityContactEmail: String?
    var standing: String?
    var notes: String?
    var privacyPolicyURL: String?
    var version: Int?
}

struct MeJSON: Content {
    let id: String
    let email: String
    let name: String
    let role: String
}
