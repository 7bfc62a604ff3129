import Foundation

/// The kinds of data a Canvas endpoint reads or writes, as the catalog labels them.
public enum DataKind: String, CaseIterable, Codable, Sendable, Comparable {
    case roster, grades, submissions
    case userPII = "user_pii"
    case courseContent = "course_content"
    case files, communications, discussions, calendar, quizzes, outcomes, analytics
    case accountAdmin = "account_admin"
    case ltiTools = "lti_tools"
    case auditLogs = "audit_logs"
    case courseSettings = "course_settings"
    case sis
    case `public`

    public var label: String {
        switch self {
        case .roster: "Roster and enrollments"
        case .grades: "Grades"
        case .submissions: "Student submissions"
        case .userPII: "User personal data"
        case .courseContent: "Course content"
        case .files: "Files"
        case .communications: "Messages and announcements"
        case .discussions: "Discussions"
        case .calendar: "Calendar"
        case .quizzes: "Quizzes"
        case .outcomes: "Outcomes"
        case .analytics: "Analytics"
        case .accountAdmin: "Account administration"
        case .ltiTools: "LTI tools and keys"
        case .auditLogs: "Audit logs"
        case .courseSettings: "Course settings"
        case .sis: "SIS data"
        case .public: "Public information"
        }
    }

    /// FERPA education records or data that controls the institution's Canvas itself.
    public var isSensitive: Bool {
        switch self {
        case .roster, .grades, .submissions, .userPII, .communications, .accountAdmin, .ltiTools, .auditLogs, .sis: true
        default: false
        }
    }

    /// Writing these changes student records or who can do what: the guidance calls these high.
    public var isHighRiskToWrite: Bool {
        switch self {
        case .grades, .submissions, .roster, .userPII, .accountAdmin, .ltiTools, .sis: true
        default: false
        }
    }

    public static func < (lhs: DataKind, rhs: DataKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum HTTPVerb: String, CaseIterable, Codable, Sendable, Comparable {
    case GET, POST, PUT, PATCH, DELETE

    /// HEAD is answered like GET by Canvas; anything else is not a Canvas API verb.
    public init?(parsing raw: String) {
        let upper = raw.trimmingCharacters(in: .whitespaces).uppercased()
        if upper == "HEAD" { self = .GET; return }
        self.init(rawValue: upper)
    }

    public var access: Access { self == .GET ? .read : .write }

    public enum Access: String, Codable, Sendable { case read, write }

    public static func < (lhs: HTTPVerb, rhs: HTTPVerb) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum RiskLevel: Int, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    case low = 1, medium, high

    public var description: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        }
    }

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Writes to grades, submissions, enrollments, users, account administration, LTI or SIS data are
    /// high; reading sensitive data, deleting anything or writing other data is medium; the rest low.
    public static func of(verb: HTTPVerb, kinds: Set<DataKind>) -> RiskLevel {
        if verb.access == .write {
            if kinds.contains(where: \.isHighRiskToWrite) { return .high }
            return .medium
        }
        return kinds.contains(where: \.isSensitive) ? .medium : .low
    }
}
