import FluentKit
import SQLKit

/// Writes to Canvas: each recorded as an intent before it is made, and its outcome after reading back.
struct CreateCanvasWrite: AsyncMigration {
    var name: String { "2026_12_03_001_CreateCanvasWrite" }

    func prepare(on database: any Database) async throws {
        try await database.schema("canvas_writes")
            .id()
            .field("action", .string, .required)
            .field("object_id", .string, .required)
            .field("user_id", .string)
            .field("context", .string)
            .field("object_name", .string, .required)
            .field("state", .string, .required)
            .field("reason", .string, .required)
            .field("integration_id", .uuid, .references("integrations", "id", onDelete: .setNull))
            .field("release_id", .uuid, .references("key_releases", "id", onDelete: .setNull))
            .field("finding_kind", .string)
            .field("requested_by", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("outcome", .string)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "canvas_writes_object").on("canvas_writes").column("object_id").column("state").run()
            try await sql.create(index: "canvas_writes_requested").on("canvas_writes").column("requested_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("canvas_writes").delete()
    }
}
