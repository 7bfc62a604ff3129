import Foundation

public enum VendorStanding: String, CaseIterable, Codable, Sendable {
    case prospective
    case goodStanding = "good_standing"
    case onNotice = "on_notice"
    case suspended
    case terminated

    public var label: String {
        switch self {
        case .prospective: "Prospective"
        case .goodStanding: "Good standing"
        case .onNotice: "On notice"
        case .suspended: "Suspended"
        case .terminated: "Terminated"
        }
    }
}

public struct Vendor: Equatable, Sendable {
    public typealias ID = Identifier<Vendor>

    public let id: ID
    public var fields: VendorFields
    public var version: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: ID, fields: VendorFields, version: Int = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var name: String { fields.name }
}

/// The part of a vendor that people edit, already validated.
public struct VendorFields: Equatable, Sendable {
    public static let nameMax = 120
    public static let notesMax = 5000

    public var name: String
    public var website: String?
    public var securityContactEmail: String?
    public var standing: VendorStanding
    public var notes: String?
    /// The vendor's published privacy policy, linked from the public list of approved tools.
    public var privacyPolicyURL: String?

    public init(
        name: String, website: String? = nil, securityContactEmail: String? = nil,
        standing: VendorStanding = .prospective, notes: String? = nil, privacyPolicyURL: String? = nil
    ) {
        self.privacyPolicyURL = privacyPolicyURL
        self.name = name
        self.website = website
        self.securityContactEmail = securityContactEmail
        self.standing = standing
        self.notes = notes
    }

    /// Validates raw input from a form or the JSON API. Field names match both.
    public static func validate(
        name: String?, website: String?, securityContactEmail: String?, standing: String?, notes: String?, privacyPolicyURL: String? = nil
    ) throws -> VendorFields {
        var errors = ValidationErrors()
        let name = Check.required(name, field: "name", label: "Name", max: nameMax, errors: &errors)
        let website = Check.webURL(website, field: "website", label: "Website", errors: &errors)
        let privacyPolicy = Check.webURL(privacyPolicyURL, field: "privacyPolicyURL", label: "Privacy policy", errors: &errors)
        let email = Check.email(
            securityContactEmail, field: "securityContactEmail", label: "Security contact e-mail",
            required: false, errors: &errors)
        let standingRaw = Check.trimmed(standing)
        let standing = standingRaw.isEmpty ? .prospective : VendorStanding(rawValue: standingRaw)
        if standing == nil {
            let allowed = VendorStanding.allCases.map(\.rawValue).joined(separator: ", ")
            errors.add("standing", "Standing must be one of: \(allowed).")
        }
        let notes = Check.optional(notes, field: "notes", label: "Notes", max: notesMax, multiline: true, errors: &errors)
        try errors.throwIfAny()
        return VendorFields(
            name: name, website: website, securityContactEmail: email, standing: standing!, notes: notes, privacyPolicyURL: privacyPolicy)
    }

    /// Field values as the audit trail shows them.
    public var auditValues: [(String, String)] {
        [
            ("name", name),
            ("website", website ?? ""),
            ("security contact", securityContactEmail ?? ""),
            ("standing", standing.label),
            ("notes", notes ?? ""),
            ("privacy policy", privacyPolicyURL ?? ""),
        ]
    }
}

public enum VendorSort: String, CaseIterable, Sendable {
    case name, standing, updated

    public var label: String {
        switch self {
        case .name: "Name"
        case .standing: "Standing"
        case .updated: "Last updated"
        }
    }
}

public struct VendorQuery: Equatable, Sendable {
    public var search: String?
    public var standing: VendorStanding?
    public var sort: VendorSort
    public var page: PageRequest

    public init(search: String? = nil, standing: VendorStanding? = nil, sort: VendorSort = .name, page: PageRequest = .init(page: 1)) {
        let trimmed = search.map { Check.trimmed($0) }
        self.search = (trimmed?.isEmpty ?? true) ? nil : String(trimmed!.prefix(100))
        self.standing = standing
        self.sort = sort
        self.page = page
    }
}

public protocol VendorRepository: Sendable {
    func find(_ id: Vendor.ID) async throws -> Vendor?
    func list(_ query: VendorQuery) async throws -> ResultPage<Vendor>
    /// Creates a vendor and its audit event in one transaction. Throws `.duplicate` for a taken name.
    func create(_ fields: VendorFields, id: Vendor.ID, by actor: Actor, at now: Date) async throws -> Vendor
    /// Saves changes made to `expectedVersion`; throws `.staleVersion` if someone saved in between.
    func update(_ id: Vendor.ID, to fields: VendorFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Vendor
    /// Names by id for the given vendors (for lists that show each row's vendor).
    func names(_ ids: Set<Vendor.ID>) async throws -> [Vendor.ID: String]
    /// The vendors with these ids (one query a batch).
    func find(_ ids: Set<Vendor.ID>) async throws -> [Vendor.ID: Vendor]
    /// Every vendor's id and name, sorted by name (for filters and pickers).
    func allNames() async throws -> [(id: Vendor.ID, name: String)]
    /// How many vendors are in each standing (one query; a standing with none is left out).
    func countsByStanding() async throws -> [VendorStanding: Int]
}
