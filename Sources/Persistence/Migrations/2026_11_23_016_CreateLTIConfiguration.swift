import FluentKit

struct CreateLTIConfiguration: AsyncMigration {
    var name: String { "2026_11_23_016_CreateLTIConfiguration" }

    func prepare(on database: any Database) async throws {
        try await database.schema("lti_configurations")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("version", .int, .required)
            .field("configuration", .string, .required)
            .field("filename", .string, .required)
            .field("sha256", .string, .required)
            .field("widening", .string, .required)
            .field("imported_by", .string, .required)
            .field("imported_at", .datetime, .required)
            .unique(on: "integration_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("lti_configurations").delete()
    }
}
