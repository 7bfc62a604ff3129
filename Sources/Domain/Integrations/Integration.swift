import Foundation

public enum IntegrationKind: String, CaseIterable, Codable, Sendable {
    case lti13 = "lti_1_3"
    case lti11 = "lti_1_1"
    case apiDeveloperKey = "api_developer_key"
    case userAccessToken = "user_access_token"
    case dataExportKey = "canvas_data_export_key"

    public var label: String {
        switch self {
        case .lti13: "LTI 1.3 tool"
        case .lti11: "LTI 1.1 tool"
        case .apiDeveloperKey: "API developer key (OAuth2)"
        case .userAccessToken: "User access token"
        case .dataExportKey: "Canvas data export key"
        }
    }
}

public enum InstallLevel: String, CaseIterable, Codable, Sendable {
    case course
    case subAccount = "sub_account"
    case rootAccount = "root_account"

    public var label: String {
        switch self {
        case .course: "Course"
        case .subAccount: "Sub-account"
        case .rootAccount: "Root account"
        }
    }
}

public enum DataClassification: String, CaseIterable, Codable, Sendable {
    case `public`
    case `internal`
    case restricted
    case highlyRestricted = "highly_restricted"

    public var label: String {
        switch self {
        case .public: "Public"
        case .internal: "Internal"
        case .restricted: "Restricted (FERPA)"
        case .highlyRestricted: "Highly restricted"
        }
    }
}

public enum IntegrationStatus: String, CaseIterable, Codable, Sendable {
    case draft
    case inReview = "in_review"
    case approved
    case approvedWithConditions = "approved_with_conditions"
    case rejected, active, suspended, retired

    public var label: String {
        switch self {
        case .draft: "Draft"
        case .inReview: "In review"
        case .approved: "Approved"
        case .approvedWithConditions: "Approved with conditions"
        case .rejected: "Rejected"
        case .active: "Active"
        case .suspended: "Suspended"
        case .retired: "Retired"
        }
    }
}

/// The status changes people can make. Status is never set directly: each action says where it
/// may start from, and each is audited.
public enum IntegrationAction: String, CaseIterable, Codable, Sendable {
    case submitForReview = "submit_for_review"
    case approve
    case approveWithConditions = "approve_with_conditions"
    case reject
    case activate
    case suspend
    case reinstate
    case reopen
    case retire

    public var label: String {
        switch self {
        case .submitForReview: "Submit for review"
        case .approve: "Approve"
        case .approveWithConditions: "Approve with conditions"
        case .reject: "Reject"
        case .activate: "Mark active"
        case .suspend: "Suspend"
        case .reinstate: "Reinstate"
        case .reopen: "Re-open review"
        case .retire: "Retire"
        }
    }

    public var allowedFrom: Set<IntegrationStatus> {
        switch self {
        case .submitForReview: [.draft]
        case .approve, .approveWithConditions, .reject: [.inReview]
        case .activate: [.approved, .approvedWithConditions]
        case .suspend: [.active]
        case .reinstate: [.suspended]
        case .reopen: [.approved, .approvedWithConditions, .rejected, .active, .suspended]
        case .retire: Set(IntegrationStatus.allCases).subtracting([.retired])
        }
    }

    public var result: IntegrationStatus {
        switch self {
        case .submitForReview, .reopen: .inReview
        case .approve: .approved
        case .approveWithConditions: .approvedWithConditions
        case .reject: .rejected
        case .activate, .reinstate: .active
        case .suspend: .suspended
        case .retire: .retired
        }
    }

    /// Conditions or reasons are required where a reader later needs to know why.
    public var needsNote: Bool { [.approveWithConditions, .reject, .suspend, .reopen].contains(self) }

    public static func available(from status: IntegrationStatus) -> [IntegrationAction] {
        allCases.filter { $0.allowedFrom.contains(status) }
    }

    /// The status after this action, or a validation error saying why it cannot happen now.
    public func apply(to status: IntegrationStatus, note: String?) throws -> IntegrationStatus {
        var errors = ValidationErrors()
        if !allowedFrom.contains(status) {
            errors.add("action", "“\(label)” is not possible while the integration is \(status.label.lowercased()).")
        }
        let text = Check.trimmed(note)
        if needsNote && text.isEmpty {
            errors.add("note", self == .approveWithConditions ? "List the conditions of approval." : "Say why (it goes in the audit trail).")
        } else if text.count > 2000 {
            errors.add("note", "At most 2000 characters.")
        }
        try errors.throwIfAny()
        return result
    }
}

public struct IntegrationFields: Equatable, Sendable {
    public var name: String
    public var kind: IntegrationKind
    public var installLevel: InstallLevel
    public var subAccountName: String?
    public var purpose: String
    public var classification: DataClassification
    public var sendsDataToAI: Bool
    public var aiServices: String?
    public var aiData: String?
    public var ownerID: User.ID?
    public var nextReviewOn: String?

    public init(
        name: String, kind: IntegrationKind, installLevel: InstallLevel, subAccountName: String? = nil, purpose: String,
        classification: DataClassification, sendsDataToAI: Bool = false, aiServices: String? = nil, aiData: String? = nil,
        ownerID: User.ID? = nil, nextReviewOn: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.installLevel = installLevel
        self.subAccountName = subAccountName
        self.purpose = purpose
        self.classification = classification
        self.sendsDataToAI = sendsDataToAI
        self.aiServices = aiServices
        self.aiData = aiData
        self.ownerID = ownerID
        self.nextReviewOn = nextReviewOn
    }

    /// Validates raw input; field names match the form and the JSON API.
    public static func validate(
        name: String?, kind: String?, installLevel: String?, subAccountName: String?, purpose: String?,
        classification: String?, sendsDataToAI: String?, aiServices: String?, aiData: String?, ownerID: String?,
        nextReviewOn: String?
    ) throws -> IntegrationFields {
        var errors = ValidationErrors()
        let name = Check.required(name, field: "name", label: "Name", max: 120, errors: &errors)
        let kind = IntegrationKind(rawValue: Check.trimmed(kind))
        if kind == nil { errors.add("kind", "Choose what kind of integration this is.") }
        let level = InstallLevel(rawValue: Check.trimmed(installLevel))
        if level == nil { errors.add("installLevel", "Choose where it is installed: course, sub-account or root account.") }
        var subAccount = Check.optional(subAccountName, field: "subAccountName", label: "Sub-account name", max: 200, errors: &errors)
        if level == .subAccount && subAccount == nil { errors.add("subAccountName", "Name the sub-account it is installed in.") }
        if level != .subAccount { subAccount = nil }
        let purpose = Check.required(purpose, field: "purpose", label: "Purpose", max: 2000, multiline: true, errors: &errors)
        let classification = DataClassification(rawValue: Check.trimmed(classification))
        if classification == nil { errors.add("classification", "Choose the data classification.") }
        let ai: Bool
        switch Check.trimmed(sendsDataToAI).lowercased() {
        case "yes", "true", "on", "1": ai = true
        case "no", "false", "", "0": ai = false
        default:
            ai = false
            errors.add("sendsDataToAI", "Answer yes or no.")
        }
        var services = Check.optional(aiServices, field: "aiServices", label: "AI services", max: 500, errors: &errors)
        var data = Check.optional(aiData, field: "aiData", label: "Data sent to AI", max: 2000, multiline: true, errors: &errors)
        if ai {
            if services == nil { errors.add("aiServices", "Name the AI services that receive Canvas data.") }
            if data == nil { errors.add("aiData", "Say which Canvas data is sent to them.") }
        } else {
            services = nil
            data = nil
        }
        var owner: User.ID?
        let ownerText = Check.trimmed(ownerID)
        if !ownerText.isEmpty {
            owner = User.ID(string: ownerText)
            if owner == nil { errors.add("ownerID", "Choose an internal owner from the list.") }
        }
        let review = Check.trimmed(nextReviewOn)
        if !review.isEmpty && !CalendarDay.isValid(review) {
            errors.add("nextReviewOn", "Enter a date such as 2027-06-30.")
        }
        try errors.throwIfAny()
        return IntegrationFields(
            name: name, kind: kind!, installLevel: level!, subAccountName: subAccount, purpose: purpose,
            classification: classification!, sendsDataToAI: ai, aiServices: services, aiData: data, ownerID: owner,
            nextReviewOn: review.isEmpty ? nil : review)
    }

    public func auditValues(ownerLabel: String) -> [(String, String)] {
        [
            ("name", name), ("kind", kind.label), ("install level", installLevel.label), ("sub-account", subAccountName ?? ""),
            ("purpose", purpose), ("classification", classification.label), ("sends data to AI", sendsDataToAI ? "yes" : "no"),
            ("AI services", aiServices ?? ""), ("data sent to AI", aiData ?? ""), ("owner", ownerLabel),
            ("next review", nextReviewOn ?? ""),
        ]
    }
}

/// A calendar date written yyyy-MM-dd, checked without a clock or time zone.
public enum CalendarDay {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (2000...2100).contains(year), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}

public struct Integration: Equatable, Sendable {
    public typealias ID = Identifier<Integration>

    public let id: ID
    public let vendorID: Vendor.ID
    public var fields: IntegrationFields
    public var status: IntegrationStatus
    /// The overall risk of the current whitelist; nil until endpoints are declared.
    public var risk: RiskLevel?
    public var whitelistVersion: Int
    /// The last status change: its note (conditions or reasons), who made it and when.
    public var statusChange: StatusChange?
    public var version: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, vendorID: Vendor.ID, fields: IntegrationFields, status: IntegrationStatus = .draft, risk: RiskLevel? = nil,
        whitelistVersion: Int = 0, statusChange: StatusChange? = nil, version: Int = 1, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.vendorID = vendorID
        self.fields = fields
        self.status = status
        self.risk = risk
        self.whitelistVersion = whitelistVersion
        self.statusChange = statusChange
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Who last changed an integration's status, when, and the note they gave.
public struct StatusChange: Equatable, Sendable {
    public let note: String?
    public let by: String
    public let at: Date

    public init(note: String?, by: String, at: Date) {
        self.note = note
        self.by = by
        self.at = at
    }
}

extension IntegrationStatus {
    /// The statuses under which a key may be released.
    public static let releasable: Set<IntegrationStatus> = [.approved, .approvedWithConditions, .active]

    /// Statuses that take a released key out of use: entering one flags the key.
    public static let withdrawn: Set<IntegrationStatus> = [.rejected, .suspended, .retired]
}

extension IntegrationAction {
    /// Actions that are decisions about the integration: never the owner's to make.
    public var isDecision: Bool { [.approve, .approveWithConditions, .reject, .reinstate].contains(self) }
}

public struct IntegrationQuery: Equatable, Sendable {
    public var search: String?
    public var status: IntegrationStatus?
    public var kind: IntegrationKind?
    public var risk: RiskLevel?
    public var vendorID: Vendor.ID?
    /// Part of the vendor's name (a search, so the filter never lists every vendor).
    public var vendorName: String?
    public var page: PageRequest

    public init(search: String? = nil, status: IntegrationStatus? = nil, kind: IntegrationKind? = nil, risk: RiskLevel? = nil,
                vendorID: Vendor.ID? = nil, vendorName: String? = nil, page: PageRequest = .init(page: 1)) {
        let trimmed = Check.trimmed(search)
        self.search = trimmed.isEmpty ? nil : String(trimmed.prefix(100))
        let vendorTrimmed = Check.trimmed(vendorName)
        self.vendorName = vendorTrimmed.isEmpty ? nil : String(vendorTrimmed.prefix(100))
        self.status = status
        self.kind = kind
        self.risk = risk
        self.vendorID = vendorID
        self.page = page
    }
}

extension CalendarDay {
    /// The UTC calendar day of an instant, "2026-11-23", by arithmetic on days since 1970 (the civil
    /// calendar inverted) rather than a Calendar: a Canvas sync turns 20,000 token dates into days.
    public static func of(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The same day `months` later, clamped to the month's end (2028-02-29 + 12 months → 2029-02-28).
    public static func adding(months: Int, to day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        let total = parts[0] * 12 + (parts[1] - 1) + months
        let year = total / 12, month = total % 12 + 1
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return String(format: "%04d-%02d-%02d", year, month, min(parts[2], days))
    }
}
