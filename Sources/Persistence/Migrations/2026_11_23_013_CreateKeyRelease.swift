import FluentKit

struct CreateKeyRelease: AsyncMigration {
    var name: String { "2026_11_23_013_CreateKeyRelease" }

    func prepare(on database: any Database) async throws {
        try await database.schema("whitelist_acceptances")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("version", .int, .required)
            .field("accepted_by", .string, .required)
            .field("accepted_by_id", .uuid, .required)
            .field("accepted_at", .datetime, .required)
            .unique(on: "integration_id", "version")
            .create()
        try await database.schema("key_releases")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("state", .string, .required)
            .field("requested_by", .string, .required)
            .field("requested_by_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("requested_by_email", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("code_hash", .string, .required)
            .field("code_issued_at", .datetime, .required)
            .field("codes_sent", .int, .required)
            .field("attempts", .int, .required)
            .field("verified_at", .datetime)
            .field("canvas_key_id", .string)
            .field("scopes", .string)
            .field("allow_include_parameters", .bool)
            .field("expires_on", .string)
            .field("rereview_on", .string)
            .field("whitelist_version", .int, .required)
            .field("previous_id", .uuid, .references("key_releases", "id", onDelete: .restrict))
            .field("scope_changed", .bool, .required)
            .field("note", .string)
            .field("version", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("key_releases").delete()
        try await database.schema("whitelist_acceptances").delete()
    }
}
