import Domain
import FluentKit
import Foundation

final class InheritedKeyModel: Model, @unchecked Sendable {
    static let schema = "inherited_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "vendor") var vendor: String
    @OptionalField(key: "canvas_key_id") var canvasKeyID: String?
    @Field(key: "state") var state: String
    /// Comma-separated integration ids.
    @Field(key: "dependents") var dependents: String
    @Field(key: "reviewed") var reviewed: Bool
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $name, $vendor, $canvasKeyID, $state, $dependents, $reviewed, $notes, $version, $createdAt, $updatedAt]
    }

    init() {}

    func apply(_ f: InheritedKeyFields) {
        name = f.name
        vendor = f.vendor
        canvasKeyID = f.canvasKeyID
        state = f.state.rawValue
        dependents = f.dependents.map(\.description).joined(separator: ",")
        reviewed = f.reviewed
        notes = f.notes
    }

    func toDomain() throws -> InheritedKey {
        guard let id, let state = InheritedKeyState(rawValue: state) else { throw PersistenceError.corruptRow(table: Self.schema) }
        let fields = InheritedKeyFields(name: name, vendor: vendor, canvasKeyID: canvasKeyID, state: state,
                                        dependents: dependents.split(separator: ",").compactMap { Integration.ID(string: String($0)) },
                                        reviewed: reviewed, notes: notes)
        return InheritedKey(id: .init(id), fields: fields, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
