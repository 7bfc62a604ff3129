import Domain
import FluentKit
import Foundation

final class LogIdentityModel: Model, @unchecked Sendable {
    static let schema = "log_identities"

    @ID(custom: "integration_id", generatedBy: .user) var id: UUID?
    /// Newline-separated.
    @Field(key: "service_account_user_ids") var serviceAccountUserIDs: String
    @Field(key: "user_agent_patterns") var userAgentPatterns: String
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $serviceAccountUserIDs, $userAgentPatterns, $updatedBy, $updatedAt] }

    init() {}

    func toDomain() -> LogIdentity {
        LogIdentity(serviceAccountUserIDs: serviceAccountUserIDs.split(separator: "\n").map(String.init),
                    userAgentPatterns: userAgentPatterns.split(separator: "\n").map(String.init))
    }
}
