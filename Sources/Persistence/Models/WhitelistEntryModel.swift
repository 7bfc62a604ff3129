import Domain
import FluentKit
import Foundation

final class WhitelistEntryModel: Model, @unchecked Sendable {
    static let schema = "whitelist_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "version_id") var versionID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "method") var method: String
    @Field(key: "template") var template: String
    @Field(key: "justification") var justification: String
    @Field(key: "group_name") var groupName: String
    @Field(key: "kinds") var kinds: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $versionID, $position, $method, $template, $justification, $groupName, $kinds] }

    init() {}

    func toDomain() throws -> WhitelistEntry {
        guard let verb = HTTPVerb(rawValue: method) else { throw PersistenceError.corruptRow(table: Self.schema) }
        let kinds = Set(kinds.split(separator: ",").compactMap { DataKind(rawValue: String($0)) })
        return WhitelistEntry(verb: verb, template: template, justification: justification, group: groupName, kinds: kinds)
    }
}
