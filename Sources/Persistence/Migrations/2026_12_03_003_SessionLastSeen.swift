import FluentKit
import Foundation

/// When each session was last written, so idle and expired sessions can be swept. Sessions that
/// exist at the upgrade count as seen now.
struct SessionLastSeen: AsyncMigration {
    var name: String { "2026_12_03_003_SessionLastSeen" }

    func prepare(on database: any Database) async throws {
        try await database.schema("_fluent_sessions").field("last_seen", .datetime).update()
        try await SessionModel.query(on: database).set(\.$lastSeen, to: Date()).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("_fluent_sessions").deleteField("last_seen").update()
    }
}
