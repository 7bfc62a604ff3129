import Vapor

struct QuestionnairesContext: Encodable {
    struct QuestionRow: Encodable {
        let id: String
        let text: String
        let answer: String
        let when: String
        let expected: String
        let severity: String
    }
    struct SectionRow: Encodable {
        let title: String
        let appliesWhen: String?
        let questions: [QuestionRow]
    }
    struct Item: Encodable {
        let id: String
        let title: String
        let version: Int
        let description: String
        let sections: [SectionRow]
    }

    let layout: LayoutContext
    let questionnaires: [Item]
}
