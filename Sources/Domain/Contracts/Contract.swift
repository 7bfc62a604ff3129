import Crypto
import Foundation

public enum ContractKind: String, CaseIterable, Codable, Sendable {
    case masterAgreement = "master_agreement"
    case dataPrivacyAgreement = "data_privacy_agreement"
    case orderForm = "order_form"
    case amendment

    public var label: String {
        switch self {
        case .masterAgreement: "Master agreement"
        case .dataPrivacyAgreement: "Data privacy agreement (NDPA)"
        case .orderForm: "Order form"
        case .amendment: "Amendment"
        }
    }
}

public enum ContractStatus: String, CaseIterable, Codable, Sendable {
    case draft, signed, expired, terminated

    public var label: String { rawValue.capitalized }
}

/// The clauses a Canvas review needs, each present or not, with an optional section reference.
public enum ClauseKind: String, CaseIterable, Codable, Sendable {
    case ferpaSchoolOfficial = "ferpa_school_official"
    case breachNotification = "breach_notification"
    case dataDeletion = "data_deletion"
    case accessibilityRemediation = "accessibility_remediation"
    case outOfScopeAction = "out_of_scope_action"

    public var label: String {
        switch self {
        case .ferpaSchoolOfficial: "FERPA “school official” designation"
        case .breachNotification: "Breach notification"
        case .dataDeletion: "Data deletion on termination"
        case .accessibilityRemediation: "Accessibility remediation commitment"
        case .outOfScopeAction: "Right to act on API calls outside the declared scope"
        }
    }
}

public struct Clause: Equatable, Sendable, Codable {
    public var present: Bool
    public var reference: String?

    public init(present: Bool, reference: String? = nil) {
        self.present = present
        self.reference = reference
    }
}

public struct ContractFields: Equatable, Sendable {
    public var title: String
    public var kind: ContractKind
    public var status: ContractStatus
    public var signedOn: String?
    public var startsOn: String?
    public var endsOn: String?
    public var noticeDays: Int?
    public var breachNotificationHours: Int?
    public var clauses: [ClauseKind: Clause]
    /// The NDPA Exhibit B ("Schedule of Data") elements the agreement lists (`ExhibitB` ids); nil when not recorded.
    public var exhibitB: Set<String>?

    public init(
        title: String, kind: ContractKind, status: ContractStatus, signedOn: String? = nil, startsOn: String? = nil, endsOn: String? = nil,
        noticeDays: Int? = nil, breachNotificationHours: Int? = nil, clauses: [ClauseKind: Clause] = [:], exhibitB: Set<String>? = nil
    ) {
        self.exhibitB = exhibitB
        self.title = title
        self.kind = kind
        self.status = status
        self.signedOn = signedOn
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.noticeDays = noticeDays
        self.breachNotificationHours = breachNotificationHours
        self.clauses = clauses
    }

    public func clause(_ kind: ClauseKind) -> Clause { clauses[kind] ?? Clause(present: false) }

    /// Raw clause input: whether it is present and its section reference, per clause.
    public struct ClauseInput: Sendable {
        public let present: Bool
        public let reference: String?
        public init(present: Bool, reference: String?) {
            self.present = present
            self.reference = reference
        }
    }

    public static func validate(
        title: String?, kind: String?, status: String?, signedOn: String?, startsOn: String?, endsOn: String?,
        noticeDays: String?, breachNotificationHours: String?, clauses: [ClauseKind: ClauseInput], exhibitB: [String]? = nil
    ) throws -> ContractFields {
        var errors = ValidationErrors()
        var schedule: Set<String>?
        if let exhibitB {
            do { schedule = try ExhibitB.validate(exhibitB) } catch let DomainError.validation(found) {
                for (field, message) in found.messages { errors.add(field, message) }
            }
        }
        let title = Check.required(title, field: "title", label: "Title", max: 200, errors: &errors)
        let kind = ContractKind(rawValue: Check.trimmed(kind))
        if kind == nil { errors.add("kind", "Choose the kind of contract.") }
        let status = ContractStatus(rawValue: Check.trimmed(status))
        if status == nil { errors.add("status", "Choose draft, signed, expired or terminated.") }
        func day(_ raw: String?, _ field: String) -> String? {
            let text = Check.trimmed(raw)
            if text.isEmpty { return nil }
            if !CalendarDay.isValid(text) { errors.add(field, "Enter a date such as 2026-07-01.") }
            return text
        }
        let signed = day(signedOn, "signedOn"), starts = day(startsOn, "startsOn"), ends = day(endsOn, "endsOn")
        if status == .signed && signed == nil { errors.add("signedOn", "A signed contract needs the date it was signed.") }
        if let starts, let ends, CalendarDay.isValid(starts), CalendarDay.isValid(ends), ends < starts {
            errors.add("endsOn", "The contract cannot end before it starts.")
        }
        func number(_ raw: String?, _ field: String, _ range: ClosedRange<Int>, _ message: String) -> Int? {
            let text = Check.trimmed(raw)
            if text.isEmpty { return nil }
            guard let value = Int(text), range.contains(value) else { errors.add(field, message); return nil }
            return value
        }
        let notice = number(noticeDays, "noticeDays", 0...3650, "Notice period is a number of days from 0 to 3650.")
        var hours = number(breachNotificationHours, "breachNotificationHours", 1...720, "Breach notification is within 1 to 720 hours.")
        var result: [ClauseKind: Clause] = [:]
        for kind in ClauseKind.allCases {
            let input = clauses[kind] ?? ClauseInput(present: false, reference: nil)
            let reference = Check.optional(input.reference, field: "clause_\(kind.rawValue)", label: "Section reference", max: 100, errors: &errors)
            result[kind] = Clause(present: input.present, reference: input.present ? reference : nil)
        }
        if result[.breachNotification]?.present == true {
            if hours == nil && Check.trimmed(breachNotificationHours).isEmpty {
                errors.add("breachNotificationHours", "Say within how many hours the vendor must notify a breach.")
            }
        } else {
            hours = nil
        }
        try errors.throwIfAny()
        return ContractFields(
            title: title, kind: kind!, status: status!, signedOn: signed, startsOn: starts, endsOn: ends, noticeDays: notice,
            breachNotificationHours: hours, clauses: result, exhibitB: schedule)
    }

    public var auditValues: [(String, String)] {
        var values: [(String, String)] = [
            ("title", title), ("kind", kind.label), ("status", status.label), ("signed", signedOn ?? ""), ("starts", startsOn ?? ""),
            ("ends", endsOn ?? ""), ("notice days", noticeDays.map(String.init) ?? ""),
            ("breach notice hours", breachNotificationHours.map(String.init) ?? ""),
        ]
        for kind in ClauseKind.allCases {
            let clause = clause(kind)
            values.append((kind.label, clause.present ? "yes" + (clause.reference.map { " (\($0))" } ?? "") : "no"))
        }
        values.append(("NDPA Exhibit B", exhibitB.map { $0.isEmpty ? "none listed" : $0.sorted().joined(separator: ", ") } ?? ""))
        return values
    }
}

public struct Contract: Equatable, Sendable {
    public typealias ID = Identifier<Contract>

    public let id: ID
    public let vendorID: Vendor.ID
    public var fields: ContractFields
    public var version: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: ID, vendorID: Vendor.ID, fields: ContractFields, version: Int = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.vendorID = vendorID
        self.fields = fields
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct ContractQuery: Equatable, Sendable {
    public var search: String?
    public var status: ContractStatus?
    public var kind: ContractKind?
    public var vendorID: Vendor.ID?
    /// Part of the vendor's name (a search, so the filter never lists every vendor).
    public var vendorName: String?
    public var page: PageRequest

    public init(search: String? = nil, status: ContractStatus? = nil, kind: ContractKind? = nil, vendorID: Vendor.ID? = nil,
                vendorName: String? = nil, page: PageRequest = .init(page: 1)) {
        let trimmed = Check.trimmed(search)
        self.search = trimmed.isEmpty ? nil : String(trimmed.prefix(100))
        let vendorTrimmed = Check.trimmed(vendorName)
        self.vendorName = vendorTrimmed.isEmpty ? nil : String(vendorTrimmed.prefix(100))
        self.status = status
        self.kind = kind
        self.vendorID = vendorID
        self.page = page
    }
}
