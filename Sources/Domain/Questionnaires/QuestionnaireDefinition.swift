import Foundation

/// Builds a `Questionnaire` from a definition tree, refusing the file at its first problem with the
/// file name and line. Rules: ids unique; conditions refer to earlier questions and to values those
/// questions allow; choice questions list options; an expected answer needs a severity and must be
/// a value the question allows; the file name matches the id.
public enum QuestionnaireDefinition {
    public static func parse(_ root: DefinitionNode, file: String) throws -> Questionnaire {
        var seen: [String: Question] = [:]
        func fail(_ line: Int, _ message: String) -> DefinitionError { DefinitionError(file: file, line: line, message: message) }

        func mapping(_ node: DefinitionNode, _ what: String) throws -> [(key: String, keyLine: Int, value: DefinitionNode)] {
            guard case let .mapping(pairs, _) = node else { throw fail(node.line, "\(what) must be a mapping of keys to values") }
            return pairs
        }
        func value(_ pairs: [(key: String, keyLine: Int, value: DefinitionNode)], _ key: String) -> DefinitionNode? {
            pairs.first { $0.key == key }?.value
        }
        func string(_ pairs: [(key: String, keyLine: Int, value: DefinitionNode)], _ key: String, at line: Int, required: Bool = true) throws -> String? {
            guard let node = value(pairs, key) else {
                if required { throw fail(line, "missing '\(key)'") }
                return nil
            }
            guard case let .scalar(text, _) = node, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail(node.line, "'\(key)' must be text")
            }
            return text
        }
        func strings(_ node: DefinitionNode, _ key: String) throws -> [String] {
            switch node {
            case let .scalar(text, _): return [text]
            case let .sequence(items, _):
                return try items.map { item in
                    guard case let .scalar(text, _) = item else { throw fail(item.line, "'\(key)' lists plain values") }
                    return text
                }
            default: throw fail(node.line, "'\(key)' must be a value or a list of values")
            }
        }
        func unknownKeys(_ pairs: [(key: String, keyLine: Int, value: DefinitionNode)], allowed: Set<String>) throws {
            if let extra = pairs.first(where: { !allowed.contains($0.key) }) {
                throw fail(extra.keyLine, "unknown key '\(extra.key)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        func condition(_ node: DefinitionNode) throws -> AnswerCondition {
            let pairs = try mapping(node, "a condition")
            try unknownKeys(pairs, allowed: ["question", "any_of"])
            guard let question = try string(pairs, "question", at: node.line), let valuesNode = value(pairs, "any_of") else {
                throw fail(node.line, "a condition reads {question: ID, any_of: [values]}")
            }
            guard let earlier = seen[question] else {
                throw fail(node.line, "condition refers to '\(question)', which is not an earlier question in this file")
            }
            let values = try strings(valuesNode, "any_of")
            if let allowed = earlier.allowedValues, let bad = values.first(where: { !allowed.contains($0) }) {
                throw fail(valuesNode.line, "'\(bad)' is not an answer '\(question)' allows (\(allowed.joined(separator: ", ")))")
            }
            return AnswerCondition(question: question, anyOf: values)
        }

        let top = try mapping(root, "the file")
        try unknownKeys(top, allowed: ["id", "version", "title", "description", "sections"])
        guard let id = try string(top, "id", at: root.line), let versionText = try string(top, "version", at: root.line),
              let title = try string(top, "title", at: root.line) else { throw fail(root.line, "missing id, version or title") }
        guard let version = Int(versionText), version >= 1 else { throw fail(value(top, "version")!.line, "'version' is a whole number from 1") }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if base != id { throw fail(value(top, "id")!.line, "the id '\(id)' must match the file name '\(base)'") }
        guard let sectionsNode = value(top, "sections"), case let .sequence(sectionNodes, _) = sectionsNode, !sectionNodes.isEmpty else {
            throw fail(root.line, "'sections' must list at least one section")
        }
        var sections: [QuestionnaireSection] = []
        for sectionNode in sectionNodes {
            let pairs = try mapping(sectionNode, "a section")
            try unknownKeys(pairs, allowed: ["id", "title", "applies_when", "questions"])
            let sectionID = try string(pairs, "id", at: sectionNode.line)!
            let sectionTitle = try string(pairs, "title", at: sectionNode.line)!
            let applies = try value(pairs, "applies_when").map(condition)
            guard let questionsNode = value(pairs, "questions"), case let .sequence(questionNodes, _) = questionsNode, !questionNodes.isEmpty else {
                throw fail(sectionNode.line, "section '\(sectionID)' must list at least one question")
            }
            var questions: [Question] = []
            for node in questionNodes {
                let q = try mapping(node, "a question")
                try unknownKeys(q, allowed: ["id", "text", "type", "options", "required", "required_when", "expected", "severity", "guidance"])
                let qid = try string(q, "id", at: node.line)!
                if seen[qid] != nil { throw fail(node.line, "question id '\(qid)' is used twice") }
                let text = try string(q, "text", at: node.line)!
                let typeText = try string(q, "type", at: node.line)!
                guard let type = AnswerType(rawValue: typeText) else {
                    throw fail(value(q, "type")!.line, "unknown type '\(typeText)' (\(AnswerType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let options = try value(q, "options").map { try strings($0, "options") } ?? []
                if [.singleChoice, .multipleChoice].contains(type) && options.count < 2 {
                    throw fail(node.line, "'\(qid)' is a choice question: list at least two options")
                }
                var required = false
                if let requiredNode = value(q, "required") {
                    guard case let .scalar(flag, line) = requiredNode, ["true", "false"].contains(flag) else {
                        throw fail(requiredNode.line, "'required' is true or false")
                    }
                    _ = line
                    required = flag == "true"
                }
                let requiredWhen = try value(q, "required_when").map(condition)
                if required && requiredWhen != nil { throw fail(node.line, "'\(qid)' has both required and required_when; keep one") }
                let expected = try value(q, "expected").map { try strings($0, "expected") }
                let severity = try string(q, "severity", at: node.line, required: false).map { text -> Severity in
                    guard let severity = Severity(rawValue: text) else { throw fail(value(q, "severity")!.line, "severity is critical, standard or minor") }
                    return severity
                }
                if expected != nil && severity == nil { throw fail(node.line, "'\(qid)' has an expected answer: give it a severity") }
                if expected == nil && severity != nil { throw fail(node.line, "'\(qid)' has a severity but no expected answer") }
                let question = Question(id: qid, text: text, type: type, options: options, required: required, requiredWhen: requiredWhen,
                                        expected: expected, severity: severity, guidance: try string(q, "guidance", at: node.line, required: false))
                if let expected, let allowed = question.allowedValues, let bad = expected.first(where: { !allowed.contains($0) }) {
                    throw fail(value(q, "expected")!.line, "expected answer '\(bad)' is not one '\(qid)' allows (\(allowed.joined(separator: ", ")))")
                }
                seen[qid] = question
                questions.append(question)
            }
            sections.append(QuestionnaireSection(id: sectionID, title: sectionTitle, appliesWhen: applies, questions: questions))
        }
        return Questionnaire(id: id, version: version, title: title,
                             description: try string(top, "description", at: root.line, required: false) ?? "", sections: sections)
    }
}
