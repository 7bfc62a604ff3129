import FluentKit

/// Imported HECVAT workbooks, and where a carried answer came from.
struct CreateHECVATImport: AsyncMigration {
    var name: String { "2026_12_06_003_CreateHECVATImport" }

    func prepare(on database: any Database) async throws {
        try await database.schema("hecvat_imports")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("number", .int, .required)
            .field("hecvat_version", .string, .required)
            .field("workbook", .string, .required)
            .field("filename", .string, .required)
            .field("sha256", .string, .required)
            .field("imported_by", .string, .required)
            .field("imported_at", .datetime, .required)
            .unique(on: "integration_id", "number")
            .create()
        try await database.schema("answers").field("origin", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("answers").deleteField("origin").update()
        try await database.schema("hecvat_imports").delete()
    }
}
