import Foundation

/// A parsed definition file as a tree with line numbers, so every problem can name its line.
/// The web layer builds it from YAML; Domain never sees the parser.
public indirect enum DefinitionNode: Sendable {
    case scalar(String, line: Int)
    case mapping([(key: String, keyLine: Int, value: DefinitionNode)], line: Int)
    case sequence([DefinitionNode], line: Int)

    public var line: Int {
        switch self {
        case let .scalar(_, line), let .mapping(_, line), let .sequence(_, line): line
        }
    }
}

public struct DefinitionError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public enum AnswerType: String, CaseIterable, Codable, Sendable {
    case yesNo = "yes_no"
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case text, date
    case fileEvidence = "file_evidence"
}

public enum Severity: String, CaseIterable, Codable, Sendable, Comparable {
    case critical, standard, minor

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// "Only when an earlier answer is one of these values."
public struct AnswerCondition: Equatable, Sendable {
    public let question: String
    public let anyOf: [String]

    public func holds(_ answers: [String: [String]]) -> Bool {
        guard let given = answers[question] else { return false }
        return given.contains(where: anyOf.contains)
    }
}

public struct Question: Equatable, Sendable {
    public let id: String
    public let text: String
    public let type: AnswerType
    /// Choices for single/multiple choice; yes/no questions answer yes, no or not_applicable.
    public let options: [String]
    public let required: Bool
    public let requiredWhen: AnswerCondition?
    /// The answers the institution expects; anything else is a deviation of `severity`.
    public let expected: [String]?
    public let severity: Severity?
    public let guidance: String?

    public var allowedValues: [String]? {
        switch type {
        case .yesNo: ["yes", "no", "not_applicable"]
        case .singleChoice, .multipleChoice: options
        default: nil
        }
    }
}

public struct QuestionnaireSection: Equatable, Sendable {
    public let id: String
    public let title: String
    /// The whole section applies only when this holds (COPPA: users under 13).
    public let appliesWhen: AnswerCondition?
    public let questions: [Question]
}

public struct Questionnaire: Equatable, Sendable {
    public let id: String
    public let version: Int
    public let title: String
    public let description: String
    public let sections: [QuestionnaireSection]

    public var questions: [Question] { sections.flatMap(\.questions) }
    public var key: String { "\(id)@\(version)" }
}

/// How far a set of answers goes, and where it departs from what the institution expects.
public struct QuestionnaireProgress: Equatable, Sendable {
    public struct Deviation: Equatable, Sendable {
        public let question: Question
        public let answer: [String]
        public let severity: Severity
    }

    public let requiredCount: Int
    public let answeredRequired: Int
    public let missing: [Question]
    public let deviations: [Deviation]

    public var isComplete: Bool { missing.isEmpty }
    public var percent: Int { requiredCount == 0 ? 100 : answeredRequired * 100 / requiredCount }

    public init(_ questionnaire: Questionnaire, answers: [String: [String]]) {
        var required: [Question] = []
        var deviations: [Deviation] = []
        for section in questionnaire.sections {
            if let condition = section.appliesWhen, !condition.holds(answers) { continue }
            for question in section.questions {
                let answer = answers[question.id].map { $0.filter { !$0.isEmpty } } ?? []
                if question.required || (question.requiredWhen?.holds(answers) ?? false) { required.append(question) }
                if !answer.isEmpty, let expected = question.expected, let severity = question.severity,
                   !answer.allSatisfy(expected.contains) {
                    deviations.append(Deviation(question: question, answer: answer, severity: severity))
                }
            }
        }
        let missing = required.filter { (answers[$0.id] ?? []).allSatisfy(\.isEmpty) }
        requiredCount = required.count
        answeredRequired = required.count - missing.count
        self.missing = missing
        self.deviations = deviations.sorted { $0.severity < $1.severity }
    }
}

public enum QuestionnaireAnswers {
    /// Checks one answer against its question; the messages are for the person answering.
    public static func validate(_ values: [String], for question: Question) throws -> [String] {
        let cleaned = values.map { Check.trimmed($0) }.filter { !$0.isEmpty }
        var errors = ValidationErrors()
        switch question.type {
        case .yesNo, .singleChoice:
            if cleaned.count > 1 { errors.add(question.id, "Choose one answer.") }
            if let allowed = question.allowedValues, let bad = cleaned.first(where: { !allowed.contains($0) }) {
                errors.add(question.id, "“\(bad)” is not one of the choices.")
            }
        case .multipleChoice:
            if let bad = cleaned.first(where: { !question.options.contains($0) }) { errors.add(question.id, "“\(bad)” is not one of the choices.") }
        case .text:
            if cleaned.joined().count > 5_000 { errors.add(question.id, "At most 5000 characters.") }
        case .date:
            if let day = cleaned.first, !CalendarDay.isValid(day) { errors.add(question.id, "Enter a date such as 2026-09-01.") }
        case .fileEvidence:
            if cleaned.count > 10 { errors.add(question.id, "At most 10 files.") }
        }
        try errors.throwIfAny()
        return cleaned
    }
}
