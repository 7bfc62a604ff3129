import Vapor

struct AnswerPageContext: Encodable {
    struct Earlier: Encodable {
        let version: Int
        let question: String
        let text: String
        let answer: String
        let by: String
    }

    let layout: LayoutContext
    let integrationName: String
    let integrationURL: String
    let title: String
    let version: Int
    let description: String
    let progress: ProgressView
    let sections: [SectionView]
    let canAnswer: Bool
    let canUpload: Bool
    let canMark: Bool
    let action: String
    let markURL: String
    let evidenceURL: String
    let maxSize: String
    let markOptions: [SelectOption]
    let formError: String?
    let earlier: [Earlier]?
}
