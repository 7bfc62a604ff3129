import Domain
import FluentKit
import Foundation
import SQLKit

/// `sign_in_throttle`: one row per address with the start of its window and the failures in it. Counting is one
/// upsert, atomic on both engines, so instances sharing a PostgreSQL database count together.
struct SQLSignInThrottle: SignInThrottleRepository {
    let database: any Database

    private struct Row: Decodable {
        let window_start: Date
        let failures: Int
    }

    func failures(_ key: String, window: TimeInterval, at now: Date) async throws -> Int {
        let rows = try await database.sqlDatabase.raw(
            "SELECT window_start, failures FROM sign_in_throttle WHERE \(ident: "key") = \(bind: key)").all(decoding: Row.self)
        guard let row = rows.first, now.timeIntervalSince(row.window_start) < window else { return 0 }
        return row.failures
    }

    func recordFailure(_ key: String, window: TimeInterval, at now: Date) async throws {
        let cutoff = now.addingTimeInterval(-window)
        try await database.sqlDatabase.raw("""
            INSERT INTO sign_in_throttle (\(ident: "key"), window_start, failures) VALUES (\(bind: key), \(bind: now), 1)
            ON CONFLICT (\(ident: "key")) DO UPDATE SET
              failures = CASE WHEN sign_in_throttle.window_start < \(bind: cutoff) THEN 1 ELSE sign_in_throttle.failures + 1 END,
              window_start = CASE WHEN sign_in_throttle.window_start < \(bind: cutoff) THEN \(bind: now) ELSE sign_in_throttle.window_start END
            """).run()
    }

    func deleteExpired(before cutoff: Date) async throws -> Int {
        let rows = try await database.sqlDatabase.raw(
            "DELETE FROM sign_in_throttle WHERE window_start < \(bind: cutoff) RETURNING \(ident: "key")").all()
        return rows.count
    }
}
