import Domain
import Vapor

struct VendorRow: Encodable {
    let name: String
    let url: String
    let standing: String
    let standingKey: String
    let website: String
    let updated: String

    init(_ vendor: Vendor) {
        name = vendor.name
        url = SiteURL.vendor(vendor.id).path
        standing = vendor.fields.standing.label
        standingKey = vendor.fields.standing.rawValue
        website = vendor.fields.website ?? ""
        updated = Format.dateTime(vendor.updatedAt)
    }
}

struct VendorListContext: Encodable {
    let layout: LayoutContext
    let rows: [VendorRow]
    let search: String
    let standingOptions: [SelectOption]
    let sortOptions: [SelectOption]
    let pager: PagerContext
    let canEdit: Bool
    let newURL: String
}

struct VendorDetailContext: Encodable {
    struct Field: Encodable {
        let label: String
        let value: String
        let isLink: Bool
    }

    let layout: LayoutContext
    let name: String
    let standing: String
    let standingKey: String
    let fields: [Field]
    let notes: String
    let version: Int
    let created: String
    let updated: String
    let canEdit: Bool
    let editURL: String
    let historyURL: String?
    let integrations: [IntegrationRow]?
    let newIntegrationURL: String
    let contracts: [ContractRow]?
    let newContractURL: String

    init(_ request: Request, vendor: Vendor, canEdit: Bool, canSeeHistory: Bool, integrations: [IntegrationRow], contracts: [ContractRow]) {
        layout = LayoutContext(request, title: vendor.name)
        name = vendor.name
        standing = vendor.fields.standing.label
        standingKey = vendor.fields.standing.rawValue
        fields = [
            Field(label: "Website", value: vendor.fields.website ?? "—", isLink: vendor.fields.website != nil),
            Field(label: "Privacy policy", value: vendor.fields.privacyPolicyURL ?? "—", isLink: vendor.fields.privacyPolicyURL != nil),
            Field(label: "Security contact", value: vendor.fields.securityContactEmail ?? "—", isLink: false),
        ]
        notes = vendor.fields.notes ?? ""
        version = vendor.version
        created = Format.dateTime(vendor.createdAt)
        updated = Format.dateTime(vendor.updatedAt)
        self.canEdit = canEdit
        editURL = SiteURL.editVendor(vendor.id).path
        historyURL = canSeeHistory
            ? SiteURL.audit(query: ["entityType": "vendor", "entityID": vendor.id.description]).path : nil
        self.integrations = integrations.nonEmpty
        newIntegrationURL = SiteURL.newIntegration(vendor.id).path
        self.contracts = contracts.nonEmpty
        newContractURL = SiteURL.newContract(vendor.id).path
    }
}

struct VendorFormContext: Encodable {
    let layout: LayoutContext
    let heading: String
    let action: String
    let cancelURL: String
    let submitLabel: String
    let name: String
    let website: String
    let privacyPolicyURL: String
    let securityContactEmail: String
    let notes: String
    let version: String
    let standingOptions: [SelectOption]
    let errors: [String: String]
    let formError: String?

    init(_ request: Request, heading: String, action: String, cancelURL: String, submitLabel: String,
         form: VendorForm, errors: [String: String] = [:], formError: String? = nil) {
        layout = LayoutContext(request, title: heading)
        self.heading = heading
        self.action = action
        self.cancelURL = cancelURL
        self.submitLabel = submitLabel
        name = form.name ?? ""
        website = form.website ?? ""
        privacyPolicyURL = form.privacyPolicyURL ?? ""
        securityContactEmail = form.securityContactEmail ?? ""
        notes = form.notes ?? ""
        version = form.version ?? ""
        let chosen = form.standing ?? VendorStanding.prospective.rawValue
        standingOptions = VendorStanding.allCases.map {
            SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == chosen)
        }
        self.errors = errors
        self.formError = formError ?? (errors.isEmpty ? nil : "Please correct the fields marked below. Nothing was saved.")
    }
}

extension VendorForm {
    init(_ vendor: Vendor) {
        self.init(
            name: vendor.name, website: vendor.fields.website, securityContactEmail: vendor.fields.securityContactEmail,
            standing: vendor.fields.standing.rawValue, notes: vendor.fields.notes, privacyPolicyURL: vendor.fields.privacyPolicyURL,
            version: String(vendor.version))
    }

    func validated() throws -> VendorFields {
        try VendorFields.validate(
            name: name, website: website, securityContactEmail: securityContactEmail, standing: standing, notes: notes, privacyPolicyURL: privacyPolicyURL)
    }
}
