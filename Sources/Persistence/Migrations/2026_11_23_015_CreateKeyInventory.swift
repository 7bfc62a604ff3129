import FluentKit

struct CreateKeyInventory: AsyncMigration {
    var name: String { "2026_11_23_015_CreateKeyInventory" }

    func prepare(on database: any Database) async throws {
        try await database.schema("inherited_keys")
            .id()
            .field("name", .string, .required)
            .field("vendor", .string, .required)
            .field("canvas_key_id", .string)
            .field("state", .string, .required)
            .field("dependents", .string, .required)
            .field("reviewed", .bool, .required)
            .field("notes", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("registered_tokens")
            .id()
            .field("holder", .string, .required)
            .field("role", .string, .required)
            .field("purpose", .string)
            .field("created_on", .string, .required)
            .field("expires_on", .string)
            .field("last_used_on", .string)
            .field("integration_id", .uuid, .references("integrations", "id", onDelete: .restrict))
            .field("developer_key_id", .string)
            .field("workflow_state", .string)
            .field("revoked_on", .string)
            .field("revoked_by", .string)
            .field("revocation_note", .string)
            .field("source", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registered_tokens").delete()
        try await database.schema("inherited_keys").delete()
    }
}
