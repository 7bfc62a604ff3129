import Domain
import Vapor

struct ContractRow: Encodable {
    let title: String
    let url: String
    let vendor: String
    let kind: String
    let status: String
    let statusKey: String
    let ends: String
    let clausesPresent: String
}

struct ContractListContext: Encodable {
    let layout: LayoutContext
    let rows: [ContractRow]
    let search: String
    let statusOptions: [SelectOption]
    let kindOptions: [SelectOption]
    /// The vendor filter: part of a vendor's name, or the chosen vendor's name.
    let vendor: String
    let pager: PagerContext
}

struct ClauseRow: Encodable {
    let key: String
    let label: String
    let present: Bool
    let reference: String
}

struct ContractFormContext: Encodable {
    struct Values: Encodable {
        let title, signedOn, startsOn, endsOn, noticeDays, breachNotificationHours, version: String
    }

    let layout: LayoutContext
    let heading: String
    let action: String
    let cancelURL: String
    let values: Values
    let kindOptions: [SelectOption]
    let statusOptions: [SelectOption]
    let clauses: [ClauseRow]
    let exhibitBRecorded: Bool
    let exhibitB: [ExhibitBCategory]
    let errors: [String: String]
    let formError: String?
}

/// One NDPA Exhibit B category with its elements, as checkboxes or as a list.
struct ExhibitBCategory: Encodable {
    struct Element: Encodable {
        let id: String
        let label: String
        let checked: Bool
    }

    let category: String
    let elements: [Element]

    static func all(checked: Set<String>) -> [ExhibitBCategory] {
        ExhibitB.categories.map { category in
            ExhibitBCategory(category: category, elements: ExhibitB.elements.filter { $0.category == category }.map {
                Element(id: $0.id, label: $0.label, checked: checked.contains($0.id))
            })
        }
    }
}

struct ContractDetailContext: Encodable {
    struct DocumentRow: Encodable {
        let filename: String
        let url: String
        let size: String
        let sha256: String
        let uploaded: String
    }

    let layout: LayoutContext
    let title: String
    let vendor: String
    let vendorURL: String
    let kind: String
    let status: String
    let statusKey: String
    let dates: [FactRow]
    let clauses: [ClauseRow]
    let documents: [DocumentRow]?
    /// What the agreement's Exhibit B lists, by category; nil when not recorded.
    let exhibitB: [String]?
    let canEdit: Bool
    let editURL: String
    let uploadURL: String
    let maxSize: String
    let uploadError: String?
    let historyURL: String?
}
