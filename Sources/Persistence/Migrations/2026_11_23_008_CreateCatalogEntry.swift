import FluentKit

struct CreateCatalogEntry: AsyncMigration {
    var name: String { "2026_11_23_008_CreateCatalogEntry" }

    func prepare(on database: any Database) async throws {
        try await database.schema("catalog_entries")
            .id()
            .field("method", .string, .required)
            .field("template", .string, .required)
            .field("group_name", .string, .required)
            .field("kinds", .string, .required)
            .field("source", .string, .required)
            .field("imported_at", .datetime, .required)
            .field("imported_by", .string, .required)
            .unique(on: "method", "template", name: "uq_catalog_entries_endpoint")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("catalog_entries").delete()
    }
}
