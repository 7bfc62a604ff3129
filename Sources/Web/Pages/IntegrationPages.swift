import Domain
import Vapor

extension IntegrationForm {
    init(_ integration: Integration) {
        let f = integration.fields
        self.init(
            name: f.name, kind: f.kind.rawValue, installLevel: f.installLevel.rawValue, subAccountName: f.subAccountName,
            purpose: f.purpose, classification: f.classification.rawValue, sendsDataToAI: f.sendsDataToAI ? "yes" : "no",
            aiServices: f.aiServices, aiData: f.aiData, ownerID: f.ownerID?.description, nextReviewOn: f.nextReviewOn,
            version: String(integration.version), vendorID: integration.vendorID.description)
    }
}

func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, selected: String?, label: (T) -> String) -> [SelectOption]
where T.RawValue == String {
    T.allCases.map { SelectOption(value: $0.rawValue, label: label($0), selected: $0.rawValue == selected) }
}

struct IntegrationRow: Encodable {
    let name: String
    let url: String
    let vendor: String
    let vendorURL: String
    let kind: String
    let status: String
    let statusKey: String
    let risk: String
    let riskKey: String
}

struct IntegrationListContext: Encodable {
    let layout: LayoutContext
    let rows: [IntegrationRow]
    let search: String
    let statusOptions: [SelectOption]
    let kindOptions: [SelectOption]
    let riskOptions: [SelectOption]
    /// The vendor filter: part of a vendor's name, or the chosen vendor's name.
    let vendor: String
    let pager: PagerContext
}

struct IntegrationFormContext: Encodable {
    let layout: LayoutContext
    let heading: String
    let vendorName: String
    let action: String
    let cancelURL: String
    let form: FormValues
    let kindOptions: [SelectOption]
    let levelOptions: [SelectOption]
    let classificationOptions: [SelectOption]
    let ownerOptions: [SelectOption]
    let aiYes: Bool
    let errors: [String: String]
    let formError: String?

    struct FormValues: Encodable {
        let name, subAccountName, purpose, aiServices, aiData, nextReviewOn, version: String
    }
}

struct WhitelistEntryRow: Encodable {
    let method: String
    let template: String
    let justification: String
    let access: String
    let group: String
    let kinds: String
    let risk: String
}

struct WhitelistPageContext: Encodable {
    struct KindRow: Encodable {
        let label: String
        let reads: Int
        let writes: Int
    }
    struct VersionRow: Encodable {
        let number: Int
        let created: String
        let by: String
        let count: Int
        let diffURL: String?
    }

    let layout: LayoutContext
    let integration: String
    let integrationURL: String
    let versionNumber: Int
    let rows: [WhitelistEntryRow]?
    let overallRisk: String
    let overallRiskKey: String
    let sentence: String
    let kinds: [KindRow]?
    let scopes: String
    let developerKey: String
    let scopesURL: String
    let developerKeyURL: String
    let versions: [VersionRow]?
    let canEdit: Bool
    let editorText: String
    /// Reviewer acceptance of the current version (a gate item).
    let accepted: String?
    let canAccept: Bool
    let acceptURL: String
    let errors: [String: String]
    let errorLines: [String]?
    let formError: String?
}

struct WhitelistDiffContext: Encodable {
    struct Line: Encodable {
        let key: String
        let justification: String
    }
    struct Changed: Encodable {
        let key: String
        let before: String
        let after: String
    }

    let layout: LayoutContext
    let integration: String
    let whitelistURL: String
    let from: Int
    let to: Int
    let added: [Line]?
    let removed: [Line]?
    let changed: [Changed]?
    let isEmpty: Bool
}
