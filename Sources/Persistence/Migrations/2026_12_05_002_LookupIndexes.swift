import FluentKit
import SQLKit

/// Indexes for the lookups pages make by a foreign key or a state: without them a detail page or the
/// dashboard read whole tables (the audit trail, every integration) once the institution grew. Each set
/// is a migration of its own, named by the day it was added.
struct LookupIndexes: AsyncMigration {
    typealias Index = (name: String, table: String, columns: [String], rows: String?)

    let name: String
    /// Name, table, columns, and for a partial index the rows it holds.
    let indexes: [Index]

    static let all = [lookups, lists]

    static let lookups = LookupIndexes(name: "2026_12_05_002_LookupIndexes", indexes: [
        ("audit_events_entity", "audit_events", ["entity_type", "entity_id"], nil),
        ("integrations_status", "integrations", ["status"], nil),
        ("integrations_whitelist_version", "integrations", ["whitelist_version"], nil),
        ("integrations_next_review", "integrations", ["next_review_on"], "next_review_on IS NOT NULL"),
        ("vendors_standing", "vendors", ["standing", "name_key"], nil),
        ("key_releases_integration", "key_releases", ["integration_id", "requested_at"], nil),
        ("key_releases_state", "key_releases", ["state"], nil),
        ("reviews_integration", "reviews", ["integration_id", "created_at"], nil),
        ("reviews_decision", "reviews", ["decision"], nil),
        ("review_findings_review", "review_findings", ["review_id"], nil),
        ("contracts_vendor", "contracts", ["vendor_id", "title_key"], nil),
        ("contract_documents_contract", "contract_documents", ["contract_id"], nil),
        ("evidence_documents_integration", "evidence_documents", ["integration_id"], nil),
        ("vendor_links_integration", "vendor_links", ["integration_id", "created_at"], nil),
        ("canvas_writes_integration", "canvas_writes", ["integration_id", "requested_at"], nil),
        ("drift_scans_created", "drift_scans", ["created_at"], nil),
    ])

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in indexes {
            // Names and columns are the constants above and in the next migration's file, never input.
            let columns = index.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let rows = index.rows.map { " WHERE \($0)" } ?? ""
            try await sql.raw(SQLQueryString("CREATE INDEX IF NOT EXISTS \"\(index.name)\" ON \"\(index.table)\" (\(columns))\(rows)")).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in indexes.reversed() { try await sql.raw(SQLQueryString("DROP INDEX IF EXISTS \"\(index.name)\"")).run() }
    }
}
