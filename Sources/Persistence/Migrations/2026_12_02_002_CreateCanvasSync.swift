import FluentKit
import SQLKit

/// Canvas syncs (each stored whole, with its snapshot and difference as JSON), their findings, and the
/// named leases that keep one sync running at a time across instances on one database.
struct CreateCanvasSync: AsyncMigration {
    var name: String { "2026_12_02_002_CreateCanvasSync" }

    func prepare(on database: any Database) async throws {
        try await database.schema("canvas_syncs")
            .id()
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("started_by", .string, .required)
            .field("outcome", .string, .required)
            .field("reason", .string)
            .field("requests", .int, .required)
            .field("canvas_url", .string, .required)
            .field("finding_count", .int, .required)
            .field("object_count", .int, .required)
            /// What was read (`CanvasSnapshot`), absent for a failed sync.
            .field("snapshot", .string)
            .field("difference", .string)
            .create()
        try await database.schema("canvas_findings")
            .id()
            .field("sync_id", .uuid, .required, .references("canvas_syncs", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("kind", .string, .required)
            .field("severity", .string, .required)
            .field("integration_id", .string)
            .field("integration_name", .string)
            .field("object_kind", .string, .required)
            .field("object_id", .string, .required)
            .field("object_name", .string, .required)
            .field("canvas_says", .string, .required)
            .field("approved", .string, .required)
            .field("fix", .string, .required)
            .create()
        try await database.schema("job_leases")
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("expires_at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "canvas_findings_sync").on("canvas_findings").column("sync_id").column("position").run()
            try await sql.create(index: "canvas_syncs_started").on("canvas_syncs").column("started_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("job_leases").delete()
        try await database.schema("canvas_findings").delete()
        try await database.schema("canvas_syncs").delete()
    }
}
