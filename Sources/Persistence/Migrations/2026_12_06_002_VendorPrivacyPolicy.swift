import FluentKit

/// A vendor's published privacy policy, for the public list of approved tools.
struct VendorPrivacyPolicy: AsyncMigration {
    var name: String { "2026_12_06_002_VendorPrivacyPolicy" }

    func prepare(on database: any Database) async throws {
        try await database.schema("vendors").field("privacy_policy_url", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vendors").deleteField("privacy_policy_url").update()
    }
}
