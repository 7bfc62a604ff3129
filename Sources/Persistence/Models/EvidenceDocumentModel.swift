import Domain
import FluentKit
import Foundation

final class EvidenceDocumentModel: Model, @unchecked Sendable {
    static let schema = "evidence_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "questionnaire_id") var questionnaireID: String
    @Field(key: "questionnaire_version") var questionnaireVersion: Int
    @Field(key: "question_id") var questionID: String
    @Field(key: "filename") var filename: String
    @Field(key: "type") var type: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "content") var content: Data
    @Field(key: "source") var source: String
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "uploaded_at") var uploadedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $integrationID, $questionnaireID, $questionnaireVersion, $questionID, $filename, $type, $size, $sha256, $content, $source,
         $uploadedBy, $uploadedAt]
    }

    init() {}

    func toDomain() throws -> EvidenceDocument {
        guard let id, let type = DocumentType(rawValue: type), let source = AnswerSource(rawValue: source) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return EvidenceDocument(
            id: .init(id), integrationID: .init(integrationID), questionnaireID: questionnaireID, questionnaireVersion: questionnaireVersion,
            questionID: questionID, filename: filename, type: type, size: size, sha256: sha256, source: source, uploadedBy: uploadedBy,
            uploadedAt: uploadedAt)
    }
}
