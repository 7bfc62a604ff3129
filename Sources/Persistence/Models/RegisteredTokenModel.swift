import Domain
import FluentKit
import Foundation

final class RegisteredTokenModel: Model, @unchecked Sendable {
    static let schema = "registered_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "holder") var holder: String
    @Field(key: "role") var role: String
    @OptionalField(key: "purpose") var purpose: String?
    @Field(key: "created_on") var createdOn: String
    @OptionalField(key: "expires_on") var expiresOn: String?
    @OptionalField(key: "last_used_on") var lastUsedOn: String?
    @OptionalField(key: "integration_id") var integrationID: UUID?
    @OptionalField(key: "developer_key_id") var developerKeyID: String?
    @OptionalField(key: "workflow_state") var workflowState: String?
    @OptionalField(key: "revoked_on") var revokedOn: String?
    @OptionalField(key: "revoked_by") var revokedBy: String?
    @OptionalField(key: "revocation_note") var revocationNote: String?
    @Field(key: "source") var source: String
    @Field(key: "created_at") var createdAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $holder, $role, $purpose, $createdOn, $expiresOn, $lastUsedOn, $integrationID, $developerKeyID, $workflowState, $revokedOn,
         $revokedBy, $revocationNote, $source, $createdAt]
    }

    init() {}

    func toDomain() throws -> RegisteredToken {
        guard let id, let role = TokenHolderRole(rawValue: role) else { throw PersistenceError.corruptRow(table: Self.schema) }
        let fields = RegisteredTokenFields(holder: holder, role: role, purpose: purpose, createdOn: createdOn, expiresOn: expiresOn, lastUsedOn: lastUsedOn,
                                           integrationID: integrationID.map { .init($0) }, developerKeyID: developerKeyID, workflowState: workflowState)
        return RegisteredToken(id: .init(id), fields: fields, revokedOn: revokedOn, revokedBy: revokedBy, revocationNote: revocationNote, source: source,
                               createdAt: createdAt)
    }
}
