import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

/// The dashboard's numbers come from grouped counts, not from a count query per number.
@Suite("The dashboard's grouped reads")
struct DashboardReadTests {
    @Test(arguments: TestEngine.available)
    func vendorsAreCountedByStandingInOneQuery(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let person = Actor(userID: nil, label: "Ana Admin")
            #expect(try await store.vendors.countsByStanding().isEmpty)
            let standings: [VendorStanding] = [.goodStanding, .goodStanding, .onNotice, .suspended, .suspended, .suspended, .prospective]
            for (index, standing) in standings.enumerated() {
                _ = try await store.vendors.create(fields("Vendor \(index)", standing: standing), id: .init(UUID()), by: person, at: t0)
            }
            let counts = try await store.vendors.countsByStanding()
            #expect(counts == [.goodStanding: 2, .onNotice: 1, .suspended: 3, .prospective: 1])
            #expect(counts.values.reduce(0, +) == (try await store.vendors.list(VendorQuery()).total))
        }
    }

    @Test(arguments: TestEngine.available)
    func theLatestEventsAreTheFirstPageWithoutItsCount(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let person = Actor(userID: nil, label: "Ana Admin")
            for index in 0..<5 { _ = try await store.vendors.create(fields("Vendor \(index)"), id: .init(UUID()), by: person, at: t0) }
            let page = try await store.audit.list(AuditQuery(page: PageRequest(page: 1, size: 3))).items
            let latest = try await store.audit.latest(3)
            #expect(latest.count == 3 && latest.map(\.sequence) == page.map(\.sequence))
            #expect(latest.map(\.sequence) == latest.map(\.sequence).sorted(by: >), "newest first")
            #expect(try await store.audit.latest(0).isEmpty)
            #expect(try await store.audit.latest(10_000).count == 5, "bounded, and no more than there are")
        }
    }
}
