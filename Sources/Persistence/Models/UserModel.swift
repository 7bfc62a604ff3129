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

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $email, $name, $role, $isActive, $passwordHash, $failedAttempts, $lockedUntil, $version, $createdAt, $updatedAt]
    }

    init() {}

    func toDomain() throws -> User {
        guard let id, let role = Role(rawValue: role) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return User(
            id: .init(id), email: email, name: name, role: role, isActive: isActive, passwordHash: passwordHash,
            login: LoginState(failedAttempts: failedAttempts, lockedUntil: lockedUntil), version: version,
            createdAt: createdAt)
    }
}

