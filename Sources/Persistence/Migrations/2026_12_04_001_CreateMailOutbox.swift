import FluentKit
import SQLKit

/// The transactional mail outbox: messages stored with the change that causes them, delivered by a worker.
struct CreateMailOutbox: AsyncMigration {
    var name: String { "2026_12_04_001_CreateMailOutbox" }

    func prepare(on database: any Database) async throws {
        try await database.schema("mail_outbox")
            .id()
            .field("recipients", .string, .required)
            .field("subject", .string, .required)
            .field("body", .data, .required)
            .field("created_at", .datetime, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "mail_outbox_due").on("mail_outbox").column("state").column("next_attempt_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_outbox").delete()
    }
}
