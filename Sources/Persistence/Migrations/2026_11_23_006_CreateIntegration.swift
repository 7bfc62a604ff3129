import FluentKit

struct CreateIntegration: AsyncMigration {
    var name: String { "2026_11_23_006_CreateIntegration" }

    func prepare(on database: any Database) async throws {
        try await database.schema("integrations")
            .id()
            .field("vendor_id", .uuid, .required, .references("vendors", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("kind", .string, .required)
            .field("install_level", .string, .required)
            .field("sub_account_name", .string)
            .field("purpose", .string, .required)
            .field("classification", .string, .required)
            .field("sends_data_to_ai", .bool, .required)
            .field("ai_services", .string)
            .field("ai_data", .string)
            .field("owner_id", .uuid, .references("users", "id", onDelete: .restrict))
            .field("next_review_on", .string)
            .field("status", .string, .required)
            .field("status_note", .string)
            .field("risk", .int)
            .field("whitelist_version", .int, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "vendor_id", "name_key", name: "uq_integrations_vendor_name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("integrations").delete()
    }
}
