import Foundation

/// Something with a date people must act before: a contract's end, a re-review, a key's expiry.
public struct ReminderSubject: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case contractEnds = "contract_ends"
        case integrationReview = "integration_review"
        case keyRereview = "key_rereview"
        case keyExpires = "key_expires"
        case reviewExpires = "review_expires"
        case reviewDue = "review_due"
        case findingDue = "finding_due"
        case linkExpires = "link_expires"

        public var label: String {
            switch self {
            case .contractEnds: "Contract ends"
            case .integrationReview: "Integration re-review due"
            case .keyRereview: "Key re-review due"
            case .keyExpires: "Key expires"
            case .reviewExpires: "Review decision expires"
            case .reviewDue: "Review due"
            case .findingDue: "Finding due"
            case .linkExpires: "Answer link expires"
            }
        }
    }

    public let kind: Kind
    public let subjectID: String
    public let title: String
    public let day: String
    /// Who is told: the integration's owner, or admins.
    public let recipients: [String]
    public let link: GateFix?
    /// Days ahead to remind, when not the policy's (a vendor's link: a couple of days).
    public let thresholds: [Int]?
    /// Once past its day, remind once a day until it is dealt with (work assigned to someone).
    public let dailyWhenOverdue: Bool

    public init(kind: Kind, subjectID: String, title: String, day: String, recipients: [String], link: GateFix?, thresholds: [Int]? = nil,
                dailyWhenOverdue: Bool = false) {
        self.thresholds = thresholds
        self.dailyWhenOverdue = dailyWhenOverdue
        self.kind = kind
        self.subjectID = subjectID
        self.title = title
        self.day = day
        self.recipients = recipients
        self.link = link
    }
}

/// One reminder to send: the tightest threshold crossed, and the keys of every threshold it covers
/// (so a subject first seen 5 days ahead is told once, not three times).
public struct Reminder: Equatable, Sendable {
    public let subject: ReminderSubject
    public let daysLeft: Int
    public let threshold: Int
    public let keys: [String]
}

public enum Reminders {
    /// Whole days from `today` to `day` (negative when past).
    public static func days(from today: String, to day: String) -> Int? {
        func date(_ text: String) -> Date? {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        }
        guard let a = date(today), let b = date(day) else { return nil }
        return Int((b.timeIntervalSince(a) / 86_400).rounded())
    }

    /// Subjects due within the largest threshold, soonest first (for the dashboard).
    public static func upcoming(_ subjects: [ReminderSubject], today: String, thresholds: [Int]) -> [(ReminderSubject, Int)] {
        let horizon = thresholds.max() ?? 0
        return subjects.compactMap { s in days(from: today, to: s.day).flatMap { (0...horizon).contains($0) ? (s, $0) : nil } }
            .sorted { ($0.1, $0.0.title) < ($1.1, $1.0.title) }
    }

    /// Reminders due today; `alreadySent` holds keys recorded earlier.
    public static func due(_ subjects: [ReminderSubject], today: String, thresholds policyThresholds: [Int], alreadySent: Set<String>) -> [Reminder] {
        subjects.compactMap { subject in
            guard let left = days(from: today, to: subject.day) else { return nil }
            if left < 0 {
                // Overdue work is mailed once a day; other dates past are the dashboard's business.
                guard subject.dailyWhenOverdue else { return nil }
                let key = "\(subject.kind.rawValue):\(subject.subjectID):\(subject.day):overdue:\(today)"
                guard !alreadySent.contains(key) else { return nil }
                return Reminder(subject: subject, daysLeft: left, threshold: 0, keys: [key])
            }
            let thresholds = subject.thresholds ?? policyThresholds
            let crossed = thresholds.filter { left <= $0 }.sorted()
            guard let tightest = crossed.first else { return nil }
            let keys = crossed.map { key(subject, threshold: $0) }
            guard !alreadySent.contains(key(subject, threshold: tightest)) else { return nil }
            return Reminder(subject: subject, daysLeft: left, threshold: tightest, keys: keys)
        }
    }

    public static func key(_ subject: ReminderSubject, threshold: Int) -> String {
        "\(subject.kind.rawValue):\(subject.subjectID):\(subject.day):\(threshold)"
    }
}

public protocol ReminderLog: Sendable {
    func sentKeys() async throws -> Set<String>
    /// Records the reminder and stores its message in the outbox in one transaction; returns false (and
    /// stores nothing) when another instance recorded it first. No mail is sent inside the transaction.
    func record(_ reminder: Reminder, at now: Date, mail: QueuedMail) async throws -> Bool
}
