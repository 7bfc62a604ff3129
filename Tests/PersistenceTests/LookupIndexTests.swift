import FluentKit
import Foundation
@testable import Persistence
import SQLKit
import TestSupport
import Testing

@Suite("Lookups use indexes")
struct LookupIndexTests {
    /// The lookups pages make by a foreign key or a state, as the repositories write them.
    static let lookups: [(query: String, index: String)] = [
        (#"SELECT * FROM "audit_events" WHERE "entity_type" = 'integration' AND "entity_id" = 'x'"#, "audit_events_entity"),
        (#"SELECT COUNT("id") FROM "vendors" WHERE "standing" = 'on_notice'"#, "vendors_standing"),
        (#"SELECT * FROM "integrations" WHERE "next_review_on" IS NOT NULL"#, "integrations_next_review"),
        (#"SELECT * FROM "integrations" WHERE ("status" IN ('approved', 'active') OR ("whitelist_version" > 0 AND "status" <> 'retired'))"#, "integrations_whitelist_version"),
        (#"SELECT * FROM "key_releases" WHERE "integration_id" = 'x' ORDER BY "requested_at" DESC"#, "key_releases_integration"),
        (#"SELECT * FROM "reviews" WHERE "integration_id" = 'x' ORDER BY "created_at" DESC"#, "reviews_integration"),
        (#"SELECT * FROM "review_findings" WHERE "review_id" = 'x'"#, "review_findings_review"),
        (#"SELECT * FROM "contracts" WHERE "vendor_id" = 'x' ORDER BY "title_key""#, "contracts_vendor"),
        (#"SELECT * FROM "vendor_links" WHERE "integration_id" = 'x' ORDER BY "created_at" DESC"#, "vendor_links_integration"),
        (#"SELECT * FROM "canvas_writes" WHERE "integration_id" = 'x' ORDER BY "requested_at" DESC LIMIT 20"#, "canvas_writes_integration"),
        (#"SELECT status, kind, risk, COUNT(*) AS n FROM integrations GROUP BY status, kind, risk"#, "COVERING INDEX integrations_portfolio"),
        (#"SELECT * FROM "integrations" ORDER BY "name_key" ASC, "id" ASC LIMIT 25"#, "USING INDEX integrations_list"),
        (#"SELECT * FROM "contracts" ORDER BY "title_key" ASC, "id" ASC LIMIT 25"#, "USING INDEX contracts_list"),
    ]

    @Test func sqliteSearchesByIndexWhereItOnceReadWholeTables() async throws {
        try await withMigratedDatabase(.sqlite) { db in
            for lookup in Self.lookups {
                let plan = try await db.sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + lookup.query)).all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(plan.contains(lookup.index), "\(lookup.query): \(plan)")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func everyIndexExistsAndGoesWithARevert(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            @Sendable func names(_ database: any Database) async throws -> Set<String> {
                let sql = try #require(database as? any SQLDatabase)
                let query: SQLQueryString = engine == .sqlite ? "SELECT name FROM sqlite_master WHERE type = 'index'" : "SELECT indexname AS name FROM pg_indexes"
                return Set(try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) })
            }
            let ours = Set(LookupIndexes.all.flatMap(\.indexes).map(\.name))
            #expect(ours.isSubset(of: try await names(db.database)))
            // On one connection: another SQLite connection may still hold the schema as it was before the drop.
            let afterRevert = try await db.database.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    for migration in LookupIndexes.all.reversed() { try await migration.revert(on: connection) }
                    let left = try await names(connection)
                    for migration in LookupIndexes.all { try await migration.prepare(on: connection) }
                    return left
                }
            }.get()
            #expect(ours.isDisjoint(with: afterRevert))
            #expect(ours.isSubset(of: try await names(db.database)))
        }
    }
}
