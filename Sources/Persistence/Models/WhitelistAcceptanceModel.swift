import Domain
import FluentKit
import Foundation

final class WhitelistAcceptanceModel: Model, @unchecked Sendable {
    static let schema = "whitelist_acceptances"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "accepted_by") var acceptedBy: String
    @Field(key: "accepted_by_id") var acceptedByID: UUID
    @Field(key: "accepted_at") var acceptedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $integrationID, $version, $acceptedBy, $acceptedByID, $acceptedAt] }

    init() {}

    func toDomain() throws -> WhitelistAcceptance {
        WhitelistAcceptance(integrationID: .init(integrationID), version: version, acceptedBy: acceptedBy, acceptedByID: .init(acceptedByID), acceptedAt: acceptedAt)
    }
}
