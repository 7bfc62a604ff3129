import FluentKit
import SQLKit

/// Scope drift: how integrations appear in request logs, the scans run, and what each found.
struct CreateDrift: AsyncMigration {
    var name: String { "2026_11_23_017_CreateDrift" }

    func prepare(on database: any Database) async throws {
        try await database.schema("log_identities")
            .field("integration_id", .uuid, .identifier(auto: false), .references("integrations", "id", onDelete: .restrict))
            .field("service_account_user_ids", .string, .required)
            .field("user_agent_patterns", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("drift_scans")
            .id()
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("files", .string, .required)
            .field("rows", .int64, .required)
            .field("malformed", .int64, .required)
            .field("out_of_scope", .int64, .required)
            .field("finding_count", .int, .required)
            /// Everything but the findings (counts, unknown and idle keys, malformed samples), as JSON.
            .field("summary", .string, .required)
            .create()
        try await database.schema("drift_findings")
            .id()
            .field("scan_id", .uuid, .required, .references("drift_scans", "id", onDelete: .cascade))
            .field("integration_id", .uuid, .required, .references("integrations", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("method", .string, .required)
            .field("endpoint", .string, .required)
            .field("in_catalog", .bool, .required)
            .field("count", .int64, .required)
            .field("first_seen", .string, .required)
            .field("last_seen", .string, .required)
            .field("sample_user_agents", .string, .required)
            .field("sample_path", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "drift_findings_integration").on("drift_findings").column("integration_id").column("scan_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("drift_findings").delete()
        try await database.schema("drift_scans").delete()
        try await database.schema("log_identities").delete()
    }
}
