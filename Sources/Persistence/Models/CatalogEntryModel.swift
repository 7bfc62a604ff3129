import Domain
import FluentKit
import Foundation

final class CatalogEntryModel: Model, @unchecked Sendable {
    static let schema = "catalog_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "method") var method: String
    @Field(key: "template") var template: String
    @Field(key: "group_name") var groupName: String
    @Field(key: "kinds") var kinds: String
    @Field(key: "source") var source: String
    @Field(key: "imported_at") var importedAt: Date
    @Field(key: "imported_by") var importedBy: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $method, $template, $groupName, $kinds, $source, $importedAt, $importedBy] }

    init() {}

    func toDomain() throws -> CatalogEntry {
        guard let verb = HTTPVerb(rawValue: method), let template = try? RouteTemplate(template) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        let kinds = Set(kinds.split(separator: ",").compactMap { DataKind(rawValue: String($0)) })
        return CatalogEntry(verb: verb, template: template, group: groupName, kinds: kinds, source: .imported)
    }
}
