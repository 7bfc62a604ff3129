import Domain
import FluentKit
import Foundation

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    /// The chain position is the primary key: two events can never claim the same place.
    @ID(custom: "seq", generatedBy: .user) var id: Int64?
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String
    @Field(key: "action") var action: String
    @Field(key: "summary") var summary: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $occurredAt, $actorID, $actorLabel, $entityType, $entityID, $action, $summary, $previousHash, $hash] }

    init() {}

    init(_ event: AuditEvent) {
        id = event.sequence
        occurredAt = event.occurredAt
        actorID = event.actorID?.rawValue
        actorLabel = event.actorLabel
        entityType = event.entityType
        entityID = event.entityID
        action = event.action
        summary = event.summary
        previousHash = event.previousHash
        hash = event.hash
    }

    func toDomain() throws -> AuditEvent {
        guard let id else { throw PersistenceError.corruptRow(table: Self.schema) }
        return AuditEvent(
            sequence: id, occurredAt: occurredAt, actorID: actorID.map { .init($0) }, actorLabel: actorLabel,
            entityType: entityType, entityID: entityID, action: action, summary: summary,
            previousHash: previousHash, hash: hash)
    }
}

