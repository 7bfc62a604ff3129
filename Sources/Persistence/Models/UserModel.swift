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
    @OptionalField(key: "totp_secret") var totpSecret: Data?
    @Field(key: "totp_last_step") var totpLastStep: Int64
    /// The remaining recovery code hashes, space-separated.
    @OptionalField(key: "totp_recovery") var totpRecovery: String?
    @Field(key: "totp_failures") var totpFailures: Int
    @OptionalField(key: "totp_locked_until") var totpLockedUntil: Date?
    @OptionalField(key: "totp_enrolled_at") var totpEnrolledAt: Date?
    @Field(key: "session_epoch") var sessionEpoch: Int
    @OptionalField(key: "external_subject") var externalSubject: String?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $email, $name, $role, $isActive, $passwordHash, $failedAttempts, $lockedUntil, $version, $createdAt, $updatedAt,
         $totpSecret, $totpLastStep, $totpRecovery, $totpFailures, $totpLockedUntil, $totpEnrolledAt, $sessionEpoch, $externalSubject]
    }

    init() {}

    func toDomain() throws -> User {
        guard let id, let role = Role(rawValue: role) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return User(
            id: .init(id), email: email, name: name, role: role, isActive: isActive, passwordHash: passwordHash,
            login: LoginState(failedAttempts: failedAttempts, lockedUntil: lockedUntil), version: version,
            createdAt: createdAt, secondFactor: secondFactor, sessionEpoch: sessionEpoch, externalSubject: externalSubject)
    }

    var secondFactor: SecondFactor? {
        guard let totpSecret, let totpEnrolledAt else { return nil }
        return SecondFactor(
            sealedSecret: totpSecret, lastStep: totpLastStep, recoveryHashes: (totpRecovery ?? "").split(separator: " ").map(String.init),
            failedAttempts: totpFailures, lockedUntil: totpLockedUntil, enrolledAt: totpEnrolledAt)
    }

    func store(_ factor: SecondFactor?) {
        totpSecret = factor?.sealedSecret
        totpLastStep = factor?.lastStep ?? 0
        totpRecovery = factor?.recoveryHashes.joined(separator: " ")
        totpFailures = factor?.failedAttempts ?? 0
        totpLockedUntil = factor?.lockedUntil
        totpEnrolledAt = factor?.enrolledAt
    }
}

