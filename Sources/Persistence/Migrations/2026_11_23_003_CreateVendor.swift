import FluentKit

struct CreateVendor: AsyncMigration {
    var name: String { "2026_11_23_003_CreateVendor" }

    func prepare(on database: any Database) async throws {
        try await database.schema("vendors")
            .id()
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("website", .string)
            .field("security_contact_email", .string)
            .field("standing", .string, .required)
            .field("notes", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name_key", name: "uq_vendors_name_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vendors").delete()
    }
}
