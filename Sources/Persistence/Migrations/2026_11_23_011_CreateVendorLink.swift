import FluentKit

struct CreateVendorLink: AsyncMigration {
    var name: String { "2026_11_23_011_CreateVendorLink" }

    func prepare(on database: any Database) async throws {
        try await database.schema("vendor_links")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("contact_name", .string, .required)
            .field("contact_email", .string, .required)
            .field("secret_hash", .string, .required)
            .field("hint", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("revoked_by", .string)
            .field("last_used_at", .datetime)
            .field("submitted_at", .datetime)
            .unique(on: "secret_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vendor_links").delete()
    }
}
