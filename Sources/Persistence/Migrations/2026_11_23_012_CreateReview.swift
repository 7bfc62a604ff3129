import FluentKit

struct CreateReview: AsyncMigration {
    var name: String { "2026_11_23_012_CreateReview" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reviews")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("reviewer_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("scope", .string, .required)
            .field("outcomes", .string, .required)
            .field("remediation", .string)
            .field("decision", .string)
            .field("conditions", .string)
            .field("decided_on", .string)
            .field("valid_until", .string)
            .field("decided_by", .string)
            .field("decided_by_id", .uuid)
            .field("supersedes_id", .uuid, .references("reviews", "id", onDelete: .restrict))
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("review_findings")
            .id()
            .field("review_id", .uuid, .required, .references("reviews", "id", onDelete: .restrict))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("severity", .string, .required)
            .field("status", .string, .required)
            .field("risk_accepted_by", .string)
            .field("due_on", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("review_findings").delete()
        try await database.schema("reviews").delete()
    }
}
