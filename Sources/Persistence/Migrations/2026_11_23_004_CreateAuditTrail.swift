import Domain
import FluentKit

struct CreateAuditTrail: AsyncMigration {
    var name: String { "2026_11_23_004_CreateAuditTrail" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("action", .string, .required)
            .field("summary", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "hash", name: "uq_audit_events_hash")
            .create()
        try await database.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("last_seq", .int64, .required)
            .field("last_hash", .string, .required)
            .create()
        try await AuditHeadModel(id: 1, lastSequence: 0, lastHash: AuditChain.genesisHash).create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_head").delete()
        try await database.schema("audit_events").delete()
    }
}
