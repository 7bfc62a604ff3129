import Domain
import FluentKit
import Foundation

final class AnswerModel: Model, @unchecked Sendable {
    static let schema = "answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "questionnaire_id") var questionnaireID: String
    @Field(key: "questionnaire_version") var questionnaireVersion: Int
    @Field(key: "question_id") var questionID: String
    @Field(key: "question_text") var questionText: String
    /// A JSON array of strings.
    @Field(key: "answer_values") var values: String
    @Field(key: "source") var source: String
    @Field(key: "answered_by") var answeredBy: String
    @Field(key: "answered_at") var answeredAt: Date
    @OptionalField(key: "mark") var mark: String?
    @OptionalField(key: "mark_comment") var markComment: String?
    @OptionalField(key: "marked_by") var markedBy: String?
    @OptionalField(key: "marked_at") var markedAt: Date?
    @Field(key: "mark_stale") var markStale: Bool
    /// "HECVAT DATA-05" for an answer carried from a workbook; nil for one given here.
    @OptionalField(key: "origin") var origin: String?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $integrationID, $questionnaireID, $questionnaireVersion, $questionID, $questionText, $values, $source, $answeredBy,
         $answeredAt, $mark, $markComment, $markedBy, $markedAt, $markStale, $origin]
    }

    init() {}

    static func encode(_ values: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }

    func toDomain() throws -> Answer {
        guard let source = AnswerSource(rawValue: source), let values = try? JSONDecoder().decode([String].self, from: Data(values.utf8))
        else { throw PersistenceError.corruptRow(table: Self.schema) }
        return Answer(
            integrationID: .init(integrationID), questionnaireID: questionnaireID, questionnaireVersion: questionnaireVersion, questionID: questionID,
            questionText: questionText, values: values, source: source, answeredBy: answeredBy, answeredAt: answeredAt,
            mark: mark.flatMap(AnswerMark.init(rawValue:)), markComment: markComment, markedBy: markedBy, markedAt: markedAt, markStale: markStale, origin: origin)
    }
}
