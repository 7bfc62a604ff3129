import FluentKit

/// Sessions live in the database so several app instances can share them.
/// Same table and columns as Fluent's `SessionRecord`, under this project's stable migration name.
struct CreateSession: AsyncMigration {
    var name: String { "2026_11_23_005_CreateSession" }

    func prepare(on database: any Database) async throws {
        try await database.schema("_fluent_sessions")
            .id()
            .field("key", .string, .required)
            .field("data", .json, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("_fluent_sessions").delete()
    }
}
