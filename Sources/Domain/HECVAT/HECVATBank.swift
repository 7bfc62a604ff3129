import Foundation

/// How much a HECVAT question counts, as HECVAT's own scoring weighs it.
public enum HECVATWeight: String, Codable, Sendable, CaseIterable, Comparable {
    case critical, standard, minor

    public var points: Int {
        switch self {
        case .critical: 20
        case .standard: 10
        case .minor: 5
        }
    }

    public var label: String { rawValue.capitalized }

    public static func < (a: HECVATWeight, b: HECVATWeight) -> Bool { a.points < b.points }
}

/// The scoring data for one question: its weight and the answer HECVAT prefers.
public struct HECVATRule: Equatable, Sendable {
    public let id: String
    public let weight: HECVATWeight
    public let preferred: HECVATResponse

    public init(id: String, weight: HECVATWeight, preferred: HECVATResponse) {
        self.id = id
        self.weight = weight
        self.preferred = preferred
    }
}

/// A HECVAT section (the id's letters) and the routing answers that bring it into scope: it applies
/// when any of them is Yes, or always when none is listed.
public struct HECVATSection: Equatable, Sendable {
    public let prefix: String
    public let title: String
    public let appliesWhen: [String]

    public init(prefix: String, title: String, appliesWhen: [String]) {
        self.prefix = prefix
        self.title = title
        self.appliesWhen = appliesWhen
    }
}

/// A HECVAT question that one of VendorReview's own questionnaires also asks. It is used only when
/// the workbook's wording contains every word listed, so a question renumbered in a later HECVAT is
/// never taken for another.
public struct HECVATMapping: Equatable, Sendable {
    public let hecvatID: String
    public let words: [String]
    public let questionnaireID: String
    public let questionID: String
    /// HECVAT response → our option keys.
    public let values: [HECVATResponse: [String]]

    public init(hecvatID: String, words: [String], questionnaireID: String, questionID: String, values: [HECVATResponse: [String]]) {
        self.hecvatID = hecvatID
        self.words = words
        self.questionnaireID = questionnaireID
        self.questionID = questionID
        self.values = values
    }

    /// Every listed word or phrase occurs in the question as whole words, case aside; a word ending in
    /// `*` matches any word it begins ("certif*" matches "certification").
    public func matches(_ answer: HECVATAnswer) -> Bool {
        guard answer.id == hecvatID else { return false }
        let text = Self.tokens(answer.question)
        return words.allSatisfy { phrase in
            let wanted = Self.tokens(phrase, keepStar: true)
            guard !wanted.isEmpty, wanted.count <= text.count else { return false }
            return (0...(text.count - wanted.count)).contains { start in
                wanted.indices.allSatisfy { offset in
                    let word = wanted[offset], candidate = text[start + offset]
                    return word.hasSuffix("*") ? candidate.hasPrefix(word.dropLast()) : candidate == word
                }
            }
        }
    }

    static func tokens(_ text: String, keepStar: Bool = false) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || (keepStar && $0 == "*")) }.map(String.init)
    }
}

/// `data/hecvat/hecvat4.yaml`: the routing questions, the sections and what brings them into scope,
/// each scored question's weight and preferred answer, and the questions our questionnaires share.
public struct HECVATBank: Equatable, Sendable {
    public let routing: [(id: String, label: String)]
    public let sections: [HECVATSection]
    public let rules: [String: HECVATRule]
    public let mappings: [HECVATMapping]

    public init(routing: [(id: String, label: String)], sections: [HECVATSection], rules: [HECVATRule], mappings: [HECVATMapping]) {
        self.routing = routing
        self.sections = sections
        self.rules = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.mappings = mappings
    }

    public static func == (a: HECVATBank, b: HECVATBank) -> Bool {
        a.routing.map(\.id) == b.routing.map(\.id) && a.routing.map(\.label) == b.routing.map(\.label) && a.sections == b.sections
            && a.rules == b.rules && a.mappings == b.mappings
    }

    public static let empty = HECVATBank(routing: [], sections: [], rules: [], mappings: [])

    public func section(_ prefix: String) -> HECVATSection? { sections.first { $0.prefix == prefix } }

    /// Reads the bank; a mistake names the file and line. Mappings must name real questions of the
    /// questionnaires given, and only their options.
    public static func parse(_ root: DefinitionNode, file: String, questionnaires: [Questionnaire]) throws -> HECVATBank {
        func fail(_ line: Int, _ message: String) -> DefinitionError { DefinitionError(file: file, line: line, message: message) }
        func pairs(_ node: DefinitionNode) throws -> [(key: String, keyLine: Int, value: DefinitionNode)] {
            guard case let .mapping(pairs, _) = node else { throw fail(node.line, "expected a mapping of keys to values") }
            return pairs
        }
        func scalar(_ node: DefinitionNode) throws -> String {
            guard case let .scalar(text, _) = node else { throw fail(node.line, "expected a single value") }
            return text
        }
        func list(_ node: DefinitionNode) throws -> [String] {
            guard case let .sequence(items, _) = node else { throw fail(node.line, "expected a list such as [a, b]") }
            return try items.map(scalar)
        }
        func id(_ text: String, _ line: Int) throws -> String {
            guard HECVATWorkbook.isQuestionID(text) else { throw fail(line, "'\(text)' is not a HECVAT question id such as DATA-01") }
            return text
        }
        var routing: [(id: String, label: String)] = []
        var sections: [HECVATSection] = []
        var rules: [HECVATRule] = []
        var mappings: [HECVATMapping] = []
        for (key, keyLine, value) in try pairs(root) {
            switch key {
            case "routing":
                for (question, line, label) in try pairs(value) { routing.append((try id(question, line), try scalar(label))) }
            case "sections":
                for (prefix, line, body) in try pairs(value) {
                    guard prefix.count == 4, prefix.allSatisfy({ $0.isUppercase && $0.isASCII }) else { throw fail(line, "'\(prefix)' is not a section prefix such as DATA") }
                    var title = prefix
                    var applies: [String] = []
                    for (field, fieldLine, fieldValue) in try pairs(body) {
                        switch field {
                        case "title": title = try scalar(fieldValue)
                        case "applies_when": applies = try list(fieldValue).map { try id($0, fieldLine) }
                        default: throw fail(fieldLine, "unknown key '\(field)' in a section (title, applies_when)")
                        }
                    }
                    if let unknown = applies.first(where: { route in !routing.contains { $0.id == route } }) {
                        throw fail(line, "applies_when names \(unknown), which is not a routing question above")
                    }
                    sections.append(HECVATSection(prefix: prefix, title: title, appliesWhen: applies))
                }
            case "questions":
                // DATA-01: [critical, yes]
                for (question, line, body) in try pairs(value) {
                    let parts = try list(body)
                    guard parts.count == 2, let weight = HECVATWeight(rawValue: parts[0]), ["yes", "no"].contains(parts[1].lowercased()) else {
                        throw fail(line, "\(question) is [weight, preferred answer]: weight critical, standard or minor; answer yes or no")
                    }
                    rules.append(HECVATRule(id: try id(question, line), weight: weight, preferred: HECVATResponse(parts[1])))
                }
            case "maps":
                guard case let .sequence(items, _) = value else { throw fail(value.line, "maps is a list") }
                for item in items {
                    var hecvat: String?
                    var words: [String] = []
                    var target: String?
                    var values: [HECVATResponse: [String]] = [:]
                    for (field, fieldLine, fieldValue) in try pairs(item) {
                        switch field {
                        case "hecvat": hecvat = try id(try scalar(fieldValue), fieldLine)
                        case "words": words = try list(fieldValue)
                        case "to": target = try scalar(fieldValue)
                        case "values":
                            for (response, responseLine, option) in try pairs(fieldValue) {
                                let parsed = HECVATResponse(response)
                                guard [.yes, .no].contains(parsed) else { throw fail(responseLine, "a mapping translates yes and no answers only") }
                                values[parsed] = [try scalar(option)]
                            }
                        default: throw fail(fieldLine, "unknown key '\(field)' in a mapping (hecvat, words, to, values)")
                        }
                    }
                    guard let hecvat, let target, !words.isEmpty, !values.isEmpty else {
                        throw fail(item.line, "a mapping needs hecvat, words, to (questionnaire/question) and values")
                    }
                    let path = target.split(separator: "/").map(String.init)
                    guard path.count == 2, let questionnaire = questionnaires.first(where: { $0.id == path[0] }),
                          let question = questionnaire.questions.first(where: { $0.id == path[1] }) else {
                        throw fail(item.line, "'\(target)' is not questionnaire/question of a shipped questionnaire")
                    }
                    for option in values.values.flatMap({ $0 }) {
                        do {
                            _ = try QuestionnaireAnswers.validate([option], for: question)
                        } catch {
                            throw fail(item.line, "'\(option)' is not an answer \(question.id) accepts")
                        }
                    }
                    mappings.append(HECVATMapping(hecvatID: hecvat, words: words, questionnaireID: path[0], questionID: path[1], values: values))
                }
            default:
                throw fail(keyLine, "unknown key '\(key)' (routing, sections, questions, maps)")
            }
        }
        return HECVATBank(routing: routing, sections: sections, rules: rules, mappings: mappings)
    }
}
