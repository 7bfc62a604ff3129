import Domain
import FluentKit
import Foundation

final class ApiTokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "purpose") var purpose: String
    @Field(key: "hint") var hint: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $userID, $purpose, $hint, $tokenHash, $createdAt, $expiresAt, $lastUsedAt, $revokedAt] }

    init() {}

    func toDomain() throws -> ApiToken {
        guard let id else { throw PersistenceError.corruptRow(table: Self.schema) }
        return ApiToken(
            id: .init(id), userID: .init(userID), purpose: purpose, hint: hint, tokenHash: tokenHash,
            createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt)
    }
}
