import Domain
import Vapor

/// A contract's fields, and for each clause kind whether it is present (`clause_<kind>`) and
/// where (`ref_<kind>`).
struct ContractForm: Decodable {
    var title: String?
    var kind: String?
    var status: String?
    var signedOn: String?
    var startsOn: String?
    var endsOn: String?
    var noticeDays: String?
    var breachNotificationHours: String?
    var version: String?
    var clauses: [ClauseKind: (present: String?, reference: String?)] = [:]
    /// "on" when the agreement's NDPA Exhibit B is recorded; the elements it lists (`exhibitB_<id>` ticked).
    var exhibitBRecorded: String?
    var exhibitB: [String] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldName.self)
        func text(_ name: String) throws -> String? { try container.decodeIfPresent(String.self, forKey: FieldName(name)) }
        title = try text("title")
        kind = try text("kind")
        status = try text("status")
        signedOn = try text("signedOn")
        startsOn = try text("startsOn")
        endsOn = try text("endsOn")
        noticeDays = try text("noticeDays")
        breachNotificationHours = try text("breachNotificationHours")
        version = try text("version")
        for clause in ClauseKind.allCases {
            clauses[clause] = (try text("clause_\(clause.rawValue)"), try text("ref_\(clause.rawValue)"))
        }
        exhibitBRecorded = try text("exhibitBRecorded")
        // One checkbox per element (`exhibitB_<id>`): checkboxes sharing one name would need one group, and the
        // form groups them by category.
        for element in ExhibitB.elements where ["on", "yes", "true"].contains((try text("exhibitB_\(element.id)") ?? "").lowercased()) {
            exhibitB.append(element.id)
        }
    }

    /// The form as it shows a stored contract.
    init(_ contract: Contract) {
        let f = contract.fields
        title = f.title
        kind = f.kind.rawValue
        status = f.status.rawValue
        signedOn = f.signedOn
        startsOn = f.startsOn
        endsOn = f.endsOn
        noticeDays = f.noticeDays.map(String.init)
        breachNotificationHours = f.breachNotificationHours.map(String.init)
        version = String(contract.version)
        for clause in ClauseKind.allCases where f.clause(clause).present {
            clauses[clause] = ("on", f.clause(clause).reference ?? "")
        }
        exhibitBRecorded = f.exhibitB == nil ? nil : "on"
        exhibitB = f.exhibitB?.sorted() ?? []
    }

    /// An empty form for a new contract.
    init(kind: ContractKind, status: ContractStatus) {
        self.kind = kind.rawValue
        self.status = status.rawValue
    }

    func validated() throws -> ContractFields {
        var inputs: [ClauseKind: ContractFields.ClauseInput] = [:]
        for clause in ClauseKind.allCases {
            let present = ["on", "yes", "true"].contains((clauses[clause]?.present ?? "").lowercased())
            inputs[clause] = .init(present: present, reference: clauses[clause]?.reference ?? nil)
        }
        return try ContractFields.validate(
            title: title, kind: kind, status: status, signedOn: signedOn, startsOn: startsOn, endsOn: endsOn, noticeDays: noticeDays,
            breachNotificationHours: breachNotificationHours, clauses: inputs,
            exhibitB: ["on", "yes", "true"].contains((exhibitBRecorded ?? "").lowercased()) || !exhibitB.isEmpty ? exhibitB : nil)
    }

    /// The fields by name, as the form template reads them.
    var values: [String: String] {
        var values: [String: String?] = ["title": title, "kind": kind, "status": status, "signedOn": signedOn, "startsOn": startsOn, "endsOn": endsOn,
                                         "noticeDays": noticeDays, "breachNotificationHours": breachNotificationHours, "version": version]
        for (clause, input) in clauses {
            values["clause_\(clause.rawValue)"] = input.present
            values["ref_\(clause.rawValue)"] = input.reference
        }
        values["exhibitBRecorded"] = exhibitBRecorded
        values["exhibitB"] = exhibitB.joined(separator: ",")
        return values.compactMapValues { $0 }
    }
}
