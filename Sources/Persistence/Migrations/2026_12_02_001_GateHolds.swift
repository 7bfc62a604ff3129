import FluentKit
import FluentSQL
import SQLKit

/// What the gate needs to hold after release: marks that survive a changed answer (flagged stale),
/// released keys flagged when the gate closes again, and who last changed an integration's status.
/// Reviews get a due date and findings an assignee, for each person's queue.
/// One column a statement: SQLite alters a table one column at a time.
struct GateHolds: AsyncMigration {
    var name: String { "2026_12_02_001_GateHolds" }

    private static let columns: [(table: String, column: String, type: DatabaseSchema.DataType, required: Bool)] = [
        ("answers", "mark_stale", .bool, true),
        ("key_releases", "gate_lapsed_at", .datetime, false),
        ("key_releases", "gate_lapse_reason", .string, false),
        ("integrations", "status_changed_by", .string, false),
        ("integrations", "status_changed_at", .datetime, false),
        ("reviews", "due_on", .string, false),
        ("review_findings", "assignee_id", .uuid, false),
    ]

    func prepare(on database: any Database) async throws {
        for (table, column, type, required) in Self.columns {
            if required {
                try await database.schema(table).field(.string(column), type, .required, .sql(.default(false))).update()
            } else {
                try await database.schema(table).field(.string(column), type).update()
            }
        }
    }

    func revert(on database: any Database) async throws {
        for (table, column, _, _) in Self.columns.reversed() {
            try await database.schema(table).deleteField(.string(column)).update()
        }
    }
}
