import FluentKit

struct CreateUser: AsyncMigration {
    var name: String { "2026_11_23_001_CreateUser" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("is_active", .bool, .required)
            .field("password_hash", .string, .required)
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email", name: "uq_users_email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
