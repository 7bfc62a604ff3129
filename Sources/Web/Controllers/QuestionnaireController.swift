import Domain
import Vapor

/// The questionnaire definitions shipped in `data/questionnaires/`, as reviewers read them.
struct QuestionnaireController: Sendable {
    func index(req: Request) async throws -> Response {
        func condition(_ c: AnswerCondition?) -> String? { c.map { "when \($0.question) is \($0.anyOf.joined(separator: " or "))" } }
        let items = req.context.questionnaires.map { q in
            QuestionnairesContext.Item(
                id: q.id, title: q.title, version: q.version, description: q.description,
                sections: q.sections.map { section in
                    .init(title: section.title, appliesWhen: condition(section.appliesWhen).map { "Only " + $0 },
                          questions: section.questions.map {
                              .init(id: $0.id, text: $0.text,
                                    answer: $0.type.rawValue.replacingOccurrences(of: "_", with: " ") + ($0.options.isEmpty ? "" : ": " + $0.options.joined(separator: ", ")),
                                    when: $0.required ? "required" : condition($0.requiredWhen).map { "required " + $0 } ?? "optional",
                                    expected: $0.expected?.joined(separator: " or ") ?? "—", severity: $0.severity?.rawValue ?? "—")
                          })
                })
        }
        return try await req.page("questionnaires/index", QuestionnairesContext(layout: LayoutContext(req, title: "Questionnaires"), questionnaires: items))
    }
}
