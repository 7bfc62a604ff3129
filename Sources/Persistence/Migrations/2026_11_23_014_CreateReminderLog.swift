import FluentKit

struct CreateReminderLog: AsyncMigration {
    var name: String { "2026_11_23_014_CreateReminderLog" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reminders_sent")
            .id()
            .field("reminder_key", .string, .required)
            .field("sent_at", .datetime, .required)
            .unique(on: "reminder_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reminders_sent").delete()
    }
}
