import FluentKit
import SQLKit

/// Uploaded request logs scanned in the background (`drift_jobs`), and their bytes until then
/// (`drift_job_uploads`, apart so that listing jobs never reads an upload).
struct CreateDriftJob: AsyncMigration {
    var name: String { "2026_12_05_001_CreateDriftJob" }

    func prepare(on database: any Database) async throws {
        try await database.schema("drift_jobs")
            .id()
            .field("file_name", .string, .required)
            .field("byte_count", .int64, .required)
            .field("state", .string, .required)
            .field("bytes_scanned", .int64, .required)
            .field("rows_scanned", .int64, .required)
            .field("scan_id", .uuid)
            .field("problem", .string)
            .field("created_by", .string, .required)
            .field("created_by_user_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("attempts", .int, .required)
            .field("holder", .string)
            .field("lease_until", .datetime)
            .create()
        try await database.schema("drift_job_uploads")
            .id()
            .field("bytes", .data, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "drift_jobs_state").on("drift_jobs").column("state").column("created_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("drift_job_uploads").delete()
        try await database.schema("drift_jobs").delete()
    }
}
