import FluentKit
import Foundation
import FluentSQL
import SQLKit

/// Single sign-on and the second factor: each account's authenticator (sealed secret, last step, recovery code
/// hashes, lock-out), the number that ends its sessions, the identity provider's subject; and failed sign-ins
/// counted per address, shared by every instance on the database.
struct SignIn: AsyncMigration {
    var name: String { "2026_12_06_001_SignIn" }

    /// One column per statement: SQLite adds one column per ALTER TABLE.
    private static let userColumns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
        ("totp_secret", .data, []),
        ("totp_last_step", .int64, [.required, .sql(.default(0))]),
        ("totp_recovery", .string, []),
        ("totp_failures", .int, [.required, .sql(.default(0))]),
        ("totp_locked_until", .datetime, []),
        ("totp_enrolled_at", .datetime, []),
        ("session_epoch", .int, [.required, .sql(.default(0))]),
        ("external_subject", .string, []),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type, constraints) in Self.userColumns {
            try await database.schema("users").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        try await database.schema("sign_in_throttle")
            .field("key", .string, .identifier(auto: false))
            .field("window_start", .datetime, .required)
            .field("failures", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sign_in_throttle").delete()
        for (name, _, _) in Self.userColumns.reversed() {
            try await database.schema("users").deleteField(.string(name)).update()
        }
    }
}
