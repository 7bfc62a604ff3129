import FluentKit

struct CreateAnswer: AsyncMigration {
    var name: String { "2026_11_23_010_CreateAnswer" }

    func prepare(on database: any Database) async throws {
        try await database.schema("answers")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("questionnaire_id", .string, .required)
            .field("questionnaire_version", .int, .required)
            .field("question_id", .string, .required)
            .field("question_text", .string, .required)
            .field("answer_values", .string, .required)
            .field("source", .string, .required)
            .field("answered_by", .string, .required)
            .field("answered_at", .datetime, .required)
            .field("mark", .string)
            .field("mark_comment", .string)
            .field("marked_by", .string)
            .field("marked_at", .datetime)
            .unique(on: "integration_id", "questionnaire_id", "questionnaire_version", "question_id")
            .create()
        try await database.schema("evidence_documents")
            .id()
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("questionnaire_id", .string, .required)
            .field("questionnaire_version", .int, .required)
            .field("question_id", .string, .required)
            .field("filename", .string, .required)
            .field("type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("content", .data, .required)
            .field("source", .string, .required)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("evidence_documents").delete()
        try await database.schema("answers").delete()
    }
}
