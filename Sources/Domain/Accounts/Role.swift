import Foundation

/// What a signed-in person may do. Route access is declared per route in `Web/routes.swift`.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    /// Academic technology: everything.
    case admin
    /// Security, privacy and accessibility reviewers: read all, record reviews.
    case reviewer
    /// Reads records and generated reports.
    case procurement
    /// Reads everything, the audit trail and exports; never changes records.
    case auditor

    public var label: String {
        switch self {
        case .admin: "Admin"
        case .reviewer: "Reviewer"
        case .procurement: "Procurement"
        case .auditor: "Auditor"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
