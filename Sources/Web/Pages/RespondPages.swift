import Vapor

struct RespondIndexContext: Encodable {
    struct Item: Encodable {
        let title: String
        let description: String
        let url: String
        let progress: ProgressView
    }

    let layout: LayoutContext
    let vendor: String
    let integration: String
    let contact: String
    let expires: String
    let submitted: String?
    let items: [Item]
    let submitURL: String
    let allComplete: Bool
}

struct RespondQuestionnaireContext: Encodable {
    let layout: LayoutContext
    let integration: String
    let title: String
    let description: String
    let version: Int
    let progress: ProgressView
    let sections: [SectionView]
    let action: String
    let evidenceURL: String
    let canUpload = true
    let backURL: String
    let maxSize: String
    let formError: String?
}
