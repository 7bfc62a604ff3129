import FluentKit

struct CreateContract: AsyncMigration {
    var name: String { "2026_11_23_009_CreateContract" }

    func prepare(on database: any Database) async throws {
        try await database.schema("contracts")
            .id()
            .field("vendor_id", .uuid, .required, .references("vendors", "id", onDelete: .restrict))
            .field("title", .string, .required)
            .field("title_key", .string, .required)
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("signed_on", .string)
            .field("starts_on", .string)
            .field("ends_on", .string)
            .field("notice_days", .int)
            .field("breach_notification_hours", .int)
            .field("clauses", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("contract_documents")
            .id()
            .field("contract_id", .uuid, .required, .references("contracts", "id", onDelete: .restrict))
            .field("filename", .string, .required)
            .field("type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("content", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contract_documents").delete()
        try await database.schema("contracts").delete()
    }
}
