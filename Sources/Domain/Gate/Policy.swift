import Foundation

/// Who may hold a Canvas user access token, by institution policy.
public enum TokenHolders: String, CaseIterable, Codable, Sendable {
    case adminsOnly = "admins_only"
    case everyoneButStudents = "everyone_but_students"
    case everyone
}

/// The institution's rules, from `data/policy.yaml`. Every value has a default taken from the
/// guidance this product is built on, so the file states only what an institution changes.
public struct Policy: Equatable, Sendable {
    // The gate
    public var contractEndingWarningDays = 30
    public var requiredClauses: [ClauseKind] = [.ferpaSchoolOfficial, .breachNotification, .outOfScopeAction]
    public var requiredQuestionnaires = ["ferpa", "coppa", "key_handling", "ai_use"]
    public var userFacingKinds: [IntegrationKind] = [.lti13, .lti11]
    public var accessibilityQuestionnaire = "accessibility"
    /// A deviation this severe (or worse) from an expected answer blocks until a reviewer accepts it.
    public var blockingDeviationSeverity = Severity.critical
    // Key release
    public var codeValidMinutes = 5
    public var maxCodes = 3
    public var maxAttempts = 5
    public var lockAfterMinutes = 15
    // Reminders
    public var reminderDays = [90, 30, 7]
    /// Vendors are reminded this many days before their answer link expires.
    public var linkReminderDays = 2
    // User access tokens
    public var tokenHolders = TokenHolders.everyoneButStudents
    public var tokenPurposeRequired = true
    public var studentTokenMaxDays = 120
    /// A Canvas key switched on but unused for longer than this is reported idle (`canvas.key_idle_days`).
    public var canvasKeyIdleDays = 90
    /// What happens to a key that should not be on (`enforce.auto_off`): report only, propose, or switch off.
    public var autoOff: AutoOff = .propose
    /// How far a compressed request log may inflate (`uploads.max_inflated_mb`, `uploads.max_ratio`).
    public var inflateLimit = InflateLimit.standard
    /// Roles whose local-password sign-in needs an authenticator code (`sign_in.second_factor_required_for`).
    /// Single sign-on leaves the second factor to the identity provider.
    public var secondFactorRoles: Set<Role> = []
    /// Failed sign-ins from one address within the window before that address waits (`sign_in.address_max_failures`,
    /// `sign_in.address_window_minutes`), counted across every instance on one database.
    public var addressMaxFailures = 20
    public var addressWindowMinutes = 15
    /// Other weights for HECVAT questions, and those whose preferred answer is required (`hecvat:`).
    public var hecvat = HECVATPolicy()

    public init() {}

    public static let standard = Policy()

    /// Reads the policy tree; unknown keys and bad values name the file and line.
    public static func parse(_ root: DefinitionNode, file: String) throws -> Policy {
        func fail(_ line: Int, _ message: String) -> DefinitionError { DefinitionError(file: file, line: line, message: message) }
        guard case let .mapping(sections, _) = root else { throw fail(root.line, "the policy is a mapping of sections (gate, release, reminders, tokens, canvas, enforce, uploads, sign_in, hecvat)") }
        var policy = Policy()
        func pairs(_ node: DefinitionNode) throws -> [(key: String, keyLine: Int, value: DefinitionNode)] {
            guard case let .mapping(pairs, _) = node else { throw fail(node.line, "expected a mapping of keys to values") }
            return pairs
        }
        func scalar(_ node: DefinitionNode) throws -> String {
            guard case let .scalar(text, _) = node else { throw fail(node.line, "expected a single value") }
            return text
        }
        func int(_ node: DefinitionNode, _ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(try scalar(node)), range.contains(value) else {
                throw fail(node.line, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        func list(_ node: DefinitionNode) throws -> [String] {
            guard case let .sequence(items, _) = node else { throw fail(node.line, "expected a list such as [a, b]") }
            return try items.map(scalar)
        }
        func bool(_ node: DefinitionNode) throws -> Bool {
            switch try scalar(node).lowercased() {
            case "true", "yes": return true
            case "false", "no": return false
            default: throw fail(node.line, "expected true or false")
            }
        }
        func enumList<T: RawRepresentable & CaseIterable>(_ node: DefinitionNode, _: T.Type) throws -> [T] where T.RawValue == String {
            try list(node).map { raw in
                guard let value = T(rawValue: raw) else {
                    throw fail(node.line, "'\(raw)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
        }
        for (section, sectionLine, body) in sections {
            for (key, keyLine, value) in try pairs(body) {
                switch (section, key) {
                case ("gate", "contract_ending_warning_days"): policy.contractEndingWarningDays = try int(value, 0...365)
                case ("gate", "required_contract_clauses"): policy.requiredClauses = try enumList(value, ClauseKind.self)
                case ("gate", "required_questionnaires"): policy.requiredQuestionnaires = try list(value)
                case ("gate", "user_facing_kinds"): policy.userFacingKinds = try enumList(value, IntegrationKind.self)
                case ("gate", "accessibility_questionnaire"): policy.accessibilityQuestionnaire = try scalar(value)
                case ("gate", "blocking_deviation_severity"):
                    guard let severity = Severity(rawValue: try scalar(value)) else {
                        throw fail(value.line, "blocking_deviation_severity is critical, standard or minor")
                    }
                    policy.blockingDeviationSeverity = severity
                case ("reminders", "link_expiry_days"): policy.linkReminderDays = try int(value, 1...30)
                case ("release", "code_valid_minutes"): policy.codeValidMinutes = try int(value, 1...60)
                case ("release", "max_codes"): policy.maxCodes = try int(value, 1...10)
                case ("release", "max_attempts"): policy.maxAttempts = try int(value, 1...20)
                case ("release", "lock_after_minutes"): policy.lockAfterMinutes = try int(value, 1...240)
                case ("reminders", "days_ahead"):
                    policy.reminderDays = try list(value).map { raw in
                        guard let days = Int(raw), (1...365).contains(days) else { throw fail(value.line, "'\(raw)' is not a number of days from 1 to 365") }
                        return days
                    }.sorted(by: >)
                case ("tokens", "who_may_hold"):
                    guard let holders = TokenHolders(rawValue: try scalar(value)) else {
                        throw fail(value.line, "who_may_hold is admins_only, everyone_but_students or everyone")
                    }
                    policy.tokenHolders = holders
                case ("tokens", "purpose_required"): policy.tokenPurposeRequired = try bool(value)
                case ("tokens", "student_max_days"): policy.studentTokenMaxDays = try int(value, 1...3650)
                case ("canvas", "key_idle_days"): policy.canvasKeyIdleDays = try int(value, 1...3650)
                case ("enforce", "auto_off"):
                    guard let choice = AutoOff(rawValue: try scalar(value)) else { throw fail(value.line, "auto_off is never, propose or automatic") }
                    policy.autoOff = choice
                case ("uploads", "max_inflated_mb"): policy.inflateLimit.maxBytes = Int64(try int(value, 1...1_048_576)) << 20
                case ("uploads", "max_ratio"): policy.inflateLimit.maxRatio = try int(value, 2...1_100)
                case ("sign_in", "second_factor_required_for"): policy.secondFactorRoles = Set(try enumList(value, Role.self))
                case ("sign_in", "address_max_failures"): policy.addressMaxFailures = try int(value, 3...10_000)
                case ("sign_in", "address_window_minutes"): policy.addressWindowMinutes = try int(value, 1...1_440)
                case ("hecvat", "weights"):
                    for (question, line, weight) in try pairs(value) {
                        guard HECVATWorkbook.isQuestionID(question) else { throw fail(line, "'\(question)' is not a HECVAT question id such as DATA-01") }
                        guard let parsed = HECVATWeight(rawValue: try scalar(weight)) else { throw fail(line, "a weight is critical, standard or minor") }
                        policy.hecvat.weights[question] = parsed
                    }
                case ("hecvat", "non_negotiable"):
                    for question in try list(value) {
                        guard HECVATWorkbook.isQuestionID(question) else { throw fail(value.line, "'\(question)' is not a HECVAT question id such as DATA-01") }
                        policy.hecvat.nonNegotiable.insert(question)
                    }
                case ("gate", _), ("release", _), ("reminders", _), ("tokens", _), ("canvas", _), ("enforce", _), ("uploads", _), ("sign_in", _), ("hecvat", _):
                    throw fail(keyLine, "unknown key '\(key)' in \(section)")
                default:
                    throw fail(sectionLine, "unknown section '\(section)' (gate, release, reminders, tokens, canvas, enforce, uploads, sign_in, hecvat)")
                }
            }
        }
        if policy.codeValidMinutes > policy.lockAfterMinutes {
            throw fail(root.line, "a code cannot stay valid longer than the release stays open (lock_after_minutes)")
        }
        return policy
    }

    /// The questionnaire ids the policy names, for checking against the shipped definitions.
    public var questionnaireIDs: [String] { requiredQuestionnaires + [accessibilityQuestionnaire] }
}
