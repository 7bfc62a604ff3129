import FluentKit

struct CreateWhitelist: AsyncMigration {
    var name: String { "2026_11_23_007_CreateWhitelist" }

    func prepare(on database: any Database) async throws {
        try await database.schema("whitelist_versions")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("number", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .unique(on: "integration_id", "number", name: "uq_whitelist_versions_number")
            .create()
        try await database.schema("whitelist_entries")
            .id()
            .field("version_id", .uuid, .required, .references("whitelist_versions", "id", onDelete: .restrict))
            .field("position", .int, .required)
            .field("method", .string, .required)
            .field("template", .string, .required)
            .field("justification", .string, .required)
            .field("group_name", .string, .required)
            .field("kinds", .string, .required)
            .unique(on: "version_id", "position", name: "uq_whitelist_entries_position")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("whitelist_entries").delete()
        try await database.schema("whitelist_versions").delete()
    }
}
