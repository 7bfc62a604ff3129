import Foundation

/// Where a queue item leads; the web layer turns it into a link.
public enum QueueTarget: Equatable, Sendable {
    case integration(Integration.ID)
    case release(KeyRelease.ID)
    case review(Review.ID)
    case answers(Integration.ID, String)
    case whitelist(Integration.ID)
}

/// One thing someone has to act on.
public struct QueueItem: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case gateLapsed = "gate_lapsed"
        case scopeChanged = "scope_changed"
        case releasePending = "release_pending"
        case answersSubmitted = "answers_submitted"
        case linkExpiring = "link_expiring"
        case gateMet = "gate_met"
        case whitelistToAccept = "whitelist_to_accept"
        case answersToMark = "answers_to_mark"
        case reviewAssigned = "review_assigned"
        case findingDue = "finding_due"

        public var label: String {
            switch self {
            case .gateLapsed: "Gate no longer met"
            case .scopeChanged: "Scope changed since release"
            case .releasePending: "Release waiting for its code"
            case .answersSubmitted: "Vendor answers submitted"
            case .linkExpiring: "Answer link about to expire"
            case .gateMet: "Gate met: ready for a key"
            case .whitelistToAccept: "Whitelist to accept"
            case .answersToMark: "Answers to mark"
            case .reviewAssigned: "Review assigned to you"
            case .findingDue: "Finding due"
            }
        }

        /// Who sees this kind of item. Everyone sees what concerns released keys and findings due.
        public func isFor(_ role: Role) -> Bool {
            switch self {
            case .gateLapsed, .scopeChanged, .findingDue: true
            case .releasePending, .answersSubmitted, .linkExpiring, .gateMet: role == .admin
            case .whitelistToAccept, .answersToMark, .reviewAssigned: role == .admin || role == .reviewer
            }
        }
    }

    public let kind: Kind
    /// The integration it concerns.
    public let title: String
    public let detail: String
    /// The day it is due, if it has one.
    public let due: String?
    public let overdue: Bool
    public let target: QueueTarget

    public init(kind: Kind, title: String, detail: String, due: String? = nil, today: String, target: QueueTarget) {
        self.kind = kind
        self.title = title
        self.detail = detail
        self.due = due
        self.overdue = due.map { $0 < today } ?? false
        self.target = target
    }
}

public enum WorkQueue {
    /// The items for one role, most urgent first: overdue, then by kind (released keys first), then due day and title.
    public static func sorted(_ items: [QueueItem], for role: Role) -> [QueueItem] {
        let order = Dictionary(uniqueKeysWithValues: QueueItem.Kind.allCases.enumerated().map { ($1, $0) })
        return items.filter { $0.kind.isFor(role) }.sorted {
            ($0.overdue ? 0 : 1, order[$0.kind]!, $0.due ?? "9999", $0.title) < ($1.overdue ? 0 : 1, order[$1.kind]!, $1.due ?? "9999", $1.title)
        }
    }
}
