import Domain
import FluentKit
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    func toDomain() throws -> User {
        guard let id, let role = Role(rawValue: role) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return User(
            id: .init(id), email: email, name: name, role: role, isActive: isActive, passwordHash: passwordHash,
            login: LoginState(failedAttempts: failedAttempts, lockedUntil: lockedUntil), version: version,
            createdAt: createdAt)
    }
}

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

    init() {}

    func toDomain() throws -> ApiToken {
        guard let id else { throw PersistenceError.corruptRow(table: Self.schema) }
        return ApiToken(
            id: .init(id), userID: .init(userID), purpose: purpose, hint: hint, tokenHash: tokenHash,
            createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt)
    }
}

enum PersistenceError: Error, CustomStringConvertible {
    case corruptRow(table: String)
    case missingChainHead

    var description: String {
        switch self {
        case let .corruptRow(table): "a row in \(table) could not be read"
        case .missingChainHead: "the audit chain head row is missing; run the migrations"
        }
    }
}
