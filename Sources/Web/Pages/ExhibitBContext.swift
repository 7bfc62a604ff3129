import Domain
import Vapor

/// `integrations/exhibit_b.leaf`: the NDPA Exhibit B schedule of data, filled in from the data map, beside the
/// vendor's signed agreement. Printable.
struct ExhibitBContext: Encodable {
    struct Row: Encodable {
        let label: String
        let received: Bool
        let because: [String]
        let declared: String
        let difference: String?
        let differenceKey: String
    }

    struct Category: Encodable {
        let category: String
        let rows: [Row]
    }

    let layout: LayoutContext
    let integrationName: String
    let vendorName: String
    let integrationURL: String
    let csvURL: String
    let sources: String
    let agreement: String?
    let agreementURL: String?
    let categories: [Category]
    let notDeclared: String?
    let notReceived: String?

    init(_ req: Request, integration: Integration, vendor: Vendor, schedule: ExhibitBSchedule, agreement: Contract?, reading: DataMapReading) {
        layout = LayoutContext(req, title: "NDPA Exhibit B — \(integration.fields.name)")
        integrationName = integration.fields.name
        vendorName = vendor.fields.name
        integrationURL = SiteURL.integration(integration.id).path
        csvURL = SiteURL.exhibitBCSV(integration.id).path
        sources = reading.sources
        self.agreement = agreement.map { "“\($0.fields.title)” (\($0.fields.kind.label), signed \($0.fields.signedOn ?? "—"))" }
        agreementURL = agreement.map { SiteURL.contract($0.id).path }
        categories = ExhibitB.categories.map { category in
            Category(category: category, rows: schedule.rows.filter { $0.element.category == category }.map { row in
                Row(label: row.element.label, received: row.received, because: row.because,
                    declared: row.declared.map { $0 ? "Listed" : "Not listed" } ?? "Not recorded",
                    difference: row.difference.map { $0 == .notDeclared ? "Received but not in the signed Exhibit B" : "Listed but not received" },
                    differenceKey: row.difference?.rawValue ?? "")
            })
        }
        let missing = schedule.rows.filter { $0.difference == .notDeclared }.count
        let extra = schedule.rows.filter { $0.difference == .notReceived }.count
        notDeclared = missing == 0 ? nil : missing == 1 ? "1 element is received but not in the signed Exhibit B." : "\(missing) elements are received but not in the signed Exhibit B."
        notReceived = extra == 0 ? nil : extra == 1 ? "1 element is listed but not received." : "\(extra) elements are listed but not received."
    }
}
