import FluentKit

/// Chain heads written down at each export and once a day, so a chain rewritten later is noticed.
struct CreateAuditCheckpoint: AsyncMigration {
    var name: String { "2026_12_03_002_CreateAuditCheckpoint" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_checkpoints")
            .field("seq", .int64, .identifier(auto: false))
            .field("hash", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("reason", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_checkpoints").delete()
    }
}
