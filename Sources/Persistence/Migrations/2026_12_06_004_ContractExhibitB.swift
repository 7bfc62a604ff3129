import FluentKit

/// The NDPA Exhibit B elements a signed agreement lists.
struct ContractExhibitB: AsyncMigration {
    var name: String { "2026_12_06_004_ContractExhibitB" }

    func prepare(on database: any Database) async throws {
        try await database.schema("contracts").field("exhibit_b", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contracts").deleteField("exhibit_b").update()
    }
}
