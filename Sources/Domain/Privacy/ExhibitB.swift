import Foundation

/// One data element of the Student Data Privacy Consortium's National Data Privacy Agreement, Exhibit B
/// ("Schedule of Data"), under its category.
public struct ExhibitBElement: Equatable, Sendable {
    public let id: String
    public let category: String
    public let label: String
}

/// The NDPA's schedule of data, and which of its elements each of our data elements is.
public enum ExhibitB {
    public static let elements: [ExhibitBElement] = [
        .init(id: "app_meta_ip", category: "Application Technology Meta Data", label: "IP addresses of users, use of cookies, etc."),
        .init(id: "app_meta_other", category: "Application Technology Meta Data", label: "Other application technology meta data"),
        .init(id: "app_use_statistics", category: "Application Use Statistics", label: "Meta data on user interaction with application"),
        .init(id: "assessment_standardized", category: "Assessment", label: "Standardized test scores"),
        .init(id: "assessment_observation", category: "Assessment", label: "Observation data"),
        .init(id: "assessment_other", category: "Assessment", label: "Other assessment data"),
        .init(id: "attendance_daily", category: "Attendance", label: "Student school (daily) attendance data"),
        .init(id: "attendance_class", category: "Attendance", label: "Student class attendance data"),
        .init(id: "communications_online", category: "Communications", label: "Online communications captured (emails, blog entries)"),
        .init(id: "conduct", category: "Conduct", label: "Conduct or behavioral data"),
        .init(id: "demographics_birth_date", category: "Demographics", label: "Date of birth"),
        .init(id: "demographics_gender", category: "Demographics", label: "Gender"),
        .init(id: "demographics_ethnicity", category: "Demographics", label: "Ethnicity or race"),
        .init(id: "demographics_language", category: "Demographics", label: "Language information (native, or primary language spoken by student)"),
        .init(id: "demographics_other", category: "Demographics", label: "Other demographic information"),
        .init(id: "enrollment_school", category: "Enrollment", label: "Student school enrollment"),
        .init(id: "enrollment_grade_level", category: "Enrollment", label: "Student grade level"),
        .init(id: "enrollment_programs", category: "Enrollment", label: "Specific curriculum programs"),
        .init(id: "enrollment_other", category: "Enrollment", label: "Other enrollment information"),
        .init(id: "parent_contact", category: "Parent/Guardian Contact Information", label: "Address, e-mail or phone"),
        .init(id: "parent_name", category: "Parent/Guardian Name", label: "First and/or last"),
        .init(id: "schedule_courses", category: "Schedule", label: "Student scheduled courses"),
        .init(id: "schedule_teachers", category: "Schedule", label: "Teacher names"),
        .init(id: "special_indicators", category: "Special Indicator", label: "English language learner, low income, disability, IEP or 504, living situation"),
        .init(id: "student_contact_address", category: "Student Contact Information", label: "Address"),
        .init(id: "student_contact_email", category: "Student Contact Information", label: "Email"),
        .init(id: "student_contact_phone", category: "Student Contact Information", label: "Phone"),
        .init(id: "student_id_local", category: "Student Identifiers", label: "Local (school district) ID number"),
        .init(id: "student_id_state", category: "Student Identifiers", label: "State ID number"),
        .init(id: "student_id_provider", category: "Student Identifiers", label: "Provider/app assigned student ID number"),
        .init(id: "student_app_username", category: "Student Identifiers", label: "Student app username"),
        .init(id: "student_app_password", category: "Student Identifiers", label: "Student app passwords"),
        .init(id: "student_name", category: "Student Name", label: "First and/or last"),
        .init(id: "student_in_app_performance", category: "Student In App Performance", label: "Program/application performance"),
        .init(id: "student_program_membership", category: "Student Program Membership", label: "Academic or extracurricular activities"),
        .init(id: "student_survey_responses", category: "Student Survey Responses", label: "Student responses to surveys or questionnaires"),
        .init(id: "student_work", category: "Student Work", label: "Student generated content; writing, pictures, etc."),
        .init(id: "transcript_grades", category: "Transcript", label: "Student course grades/performance scores"),
        .init(id: "transcript_other", category: "Transcript", label: "Other transcript data"),
        .init(id: "transportation", category: "Transportation", label: "Student bus assignment, pick-up or drop-off"),
        .init(id: "other", category: "Other", label: "Other data collected"),
    ]

    public static func element(_ id: String) -> ExhibitBElement? { elements.first { $0.id == id } }

    /// The categories in the schedule's order, each once.
    public static var categories: [String] {
        var seen: [String] = []
        for element in elements where !seen.contains(element.category) { seen.append(element.category) }
        return seen
    }

    /// The Exhibit B elements a data element of ours is.
    public static func of(_ element: DataElement) -> [String] {
        switch element {
        case .names: ["student_name"]
        case .email: ["student_contact_email"]
        case .userIDs: ["student_id_provider"]
        case .profile: ["student_app_username"]
        case .sisIDs: ["student_id_local"]
        case .roster: ["enrollment_school", "schedule_courses", "schedule_teachers"]
        case .grades: ["transcript_grades"]
        case .submissions, .files: ["student_work"]
        case .quizzes: ["assessment_other", "student_in_app_performance"]
        case .messages: ["communications_online"]
        case .discussions: ["communications_online", "student_work"]
        case .activity: ["app_use_statistics", "app_meta_other"]
        case .courseContent, .calendar, .outcomes, .courseSettings, .institutionSettings, .tools, .auditLogs, .publicInfo: []
        }
    }

    /// The ids a contract records, each known; unknown ones are named.
    public static func validate(_ raw: [String]) throws -> Set<String> {
        var chosen = Set<String>()
        var errors = ValidationErrors()
        for id in raw.map({ Check.trimmed($0) }) where !id.isEmpty {
            if element(id) == nil { errors.add("exhibitB", "“\(id.prefix(60))” is not an element of the NDPA's Exhibit B.") } else { chosen.insert(id) }
        }
        try errors.throwIfAny()
        return chosen
    }
}

/// Exhibit B filled in from the data map, beside what the vendor declared in the signed agreement.
public struct ExhibitBSchedule: Equatable, Sendable {
    public enum Difference: String, Sendable {
        /// The integration receives it, the agreement does not list it.
        case notDeclared = "not_declared"
        /// The agreement lists it, the integration does not receive it (as far as its whitelist and LTI settings say).
        case notReceived = "not_received"
    }

    public struct Row: Equatable, Sendable {
        public let element: ExhibitBElement
        public let received: Bool
        /// The data-map elements and their causes that make it received.
        public let because: [String]
        /// Nil when no agreement records its Exhibit B.
        public let declared: Bool?
        public let difference: Difference?
    }

    public let rows: [Row]

    public var differences: [Row] { rows.filter { $0.difference != nil } }

    public init(map: DataMap, declared: Set<String>?) {
        var because: [String: [String]] = [:]
        for item in map.items {
            for id in ExhibitB.of(item.element) {
                because[id, default: []].append("\(item.element.label): \(item.causeSummary)")
            }
        }
        rows = ExhibitB.elements.map { element in
            let received = because[element.id] != nil
            let listed = declared.map { $0.contains(element.id) }
            let difference: Difference? = switch (received, listed) {
            case (true, false?): .notDeclared
            case (false, true?): .notReceived
            default: nil
            }
            return Row(element: element, received: received, because: because[element.id] ?? [], declared: listed, difference: difference)
        }
    }

    /// One line per element: category, element, id, received, because, declared, difference (RFC 4180; cells that
    /// a spreadsheet would run as a formula are prefixed with an apostrophe).
    public var csv: String {
        CSV.line(["category", "element", "id", "received", "because", "declared_in_agreement", "difference"])
            + rows.map { row in
                CSV.line([row.element.category, row.element.label, row.element.id, row.received ? "yes" : "no", row.because.joined(separator: " | "),
                          row.declared.map { $0 ? "yes" : "no" } ?? "not recorded", row.difference?.rawValue ?? ""])
            }.joined()
    }

}
