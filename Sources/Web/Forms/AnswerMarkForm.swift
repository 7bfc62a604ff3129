import Vapor

/// A reviewer's mark on one answer.
struct AnswerMarkForm: Decodable {
    var question: String?
    var mark: String?
    var comment: String?
}
