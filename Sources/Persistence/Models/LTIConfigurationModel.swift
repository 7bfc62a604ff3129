import Domain
import FluentKit
import Foundation

final class LTIConfigurationModel: Model, @unchecked Sendable {
    static let schema = "lti_configurations"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "version") var version: Int
    /// The parsed configuration as JSON.
    @Field(key: "configuration") var configuration: String
    @Field(key: "filename") var filename: String
    @Field(key: "sha256") var sha256: String
    /// Newline-separated descriptions of what widened.
    @Field(key: "widening") var widening: String
    @Field(key: "imported_by") var importedBy: String
    @Field(key: "imported_at") var importedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $integrationID, $version, $configuration, $filename, $sha256, $widening, $importedBy, $importedAt] }

    init() {}

    func toDomain() throws -> StoredLTIConfiguration {
        guard let configuration = try? JSONDecoder().decode(LTIConfiguration.self, from: Data(configuration.utf8)) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return StoredLTIConfiguration(integrationID: .init(integrationID), version: version, configuration: configuration, filename: filename, sha256: sha256,
                                      importedBy: importedBy, importedAt: importedAt, widening: widening.split(separator: "\n").map(String.init))
    }
}
