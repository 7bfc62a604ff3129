import Domain
import FluentKit
import Foundation

final class WhitelistVersionModel: Model, @unchecked Sendable {
    static let schema = "whitelist_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $integrationID, $number, $createdAt, $createdBy] }

    init() {}
}
