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

    init() {}
}
