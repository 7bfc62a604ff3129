import Domain
import FluentKit
import Foundation

final class HECVATImportModel: Model, @unchecked Sendable {
    static let schema = "hecvat_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "hecvat_version") var hecvatVersion: String
    /// The workbook's questions and answers as JSON.
    @Field(key: "workbook") var workbook: String
    @Field(key: "filename") var filename: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "imported_by") var importedBy: String
    @Field(key: "imported_at") var importedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $integrationID, $number, $hecvatVersion, $workbook, $filename, $sha256, $importedBy, $importedAt] }

    init() {}

    func toDomain() throws -> StoredHECVAT {
        guard let workbook = try? JSONDecoder().decode(HECVATWorkbook.self, from: Data(workbook.utf8)) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return StoredHECVAT(integrationID: .init(integrationID), number: number, workbook: workbook, filename: filename, sha256: sha256,
                            importedBy: importedBy, importedAt: importedAt)
    }
}
