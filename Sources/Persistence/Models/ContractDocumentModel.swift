import Domain
import FluentKit
import Foundation

final class ContractDocumentModel: Model, @unchecked Sendable {
    static let schema = "contract_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "filename") var filename: String
    @Field(key: "type") var type: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "content") var content: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "uploaded_at") var uploadedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $contractID, $filename, $type, $size, $sha256, $content, $uploadedBy, $uploadedAt] }

    init() {}

    func toDomain() throws -> ContractDocument {
        guard let id, let type = DocumentType(rawValue: type) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return ContractDocument(id: .init(id), contractID: .init(contractID), filename: filename, type: type, size: size,
                                sha256: sha256, uploadedBy: uploadedBy, uploadedAt: uploadedAt)
    }
}
