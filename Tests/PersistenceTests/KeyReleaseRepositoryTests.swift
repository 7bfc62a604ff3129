import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

@Suite("Key releases on every engine")
struct KeyReleaseRepositoryTests {
    @Test(arguments: TestEngine.available)
    func twoVerificationsAtOnceReleaseOnceAndAWhitelistChangeFlagsTheKey(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let adminUser = try await store.users.create(NewUser(email: "ana@northfield.example", name: "Ana", role: .admin), id: .init(UUID()),
                                                         passwordHash: "x", by: admin, at: t0)
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Gradebook sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            _ = try await store.integrations.saveWhitelist([entry(.GET, "/api/v1/courses/:course_id/users", "roster")], for: integration.id,
                                                           expectedWhitelistVersion: 0, by: admin, at: t0)
            let id = KeyRelease.ID(UUID())
            let release = KeyRelease(id: id, integrationID: integration.id, requestedBy: admin.label, requestedByID: adminUser.id,
                                     requestedByEmail: adminUser.email, requestedAt: t0, codeHash: ReleaseCode.hash("246810", release: id),
                                     codeIssuedAt: t0, whitelistVersion: 1)
            try await store.releases.create(release, by: admin)
            let details = ReleaseDetails(canvasKeyID: "170000000000001", scopes: ["url:GET|/api/v1/courses/:course_id/users"], allowIncludeParameters: false,
                                         expiresOn: nil, rereviewOn: "2028-01-01")
            let policy = Policy.standard
            let outcomes = try await withThrowingTaskGroup(of: ReleaseState.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await store.releases.update(id, by: admin, at: t0.addingTimeInterval(30)) { r in
                            let outcome = r.verify("246810", details: details, at: t0.addingTimeInterval(30), policy: policy)
                            return KeyReleaseChange("verify", "\(outcome)")
                        }.state
                    }
                }
                return try await group.reduce(into: [ReleaseState]()) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0 == .released })
            let events = try await store.audit.list(AuditQuery(entityType: "key_release", action: "verify")).items.map(\.summary)
            #expect(events.filter { $0.hasSuffix("released") }.count == 1, "exactly one verification released the key: \(events)")
            #expect(events.filter { $0.hasSuffix("notPending") }.count == 5)
            let stored = try #require(try await store.releases.find(id))
            #expect(stored.details == details && stored.attempts == 1)

            // The integration is approved and the key released; a whitelist change flags it and re-opens review.
            var current = try #require(try await store.integrations.find(integration.id))
            current = try await store.integrations.perform(.submitForReview, note: nil, on: integration.id, expectedVersion: current.version, by: admin, at: t0)
            current = try await store.integrations.perform(.approve, note: nil, on: integration.id, expectedVersion: current.version, by: admin, at: t0)
            _ = try await store.integrations.saveWhitelist([entry(.GET, "/api/v1/courses/:course_id/users", "roster"), entry(.GET, "/api/v1/users/:id", "names")],
                                                           for: integration.id, expectedWhitelistVersion: 1, by: admin, at: t0)
            #expect(try await store.releases.find(id)?.scopeChanged == true)
            #expect(try await store.integrations.find(integration.id)?.status == .inReview)

            // Acceptance is per version, and never by the owner.
            let accepted = try await store.integrations.acceptWhitelist(integration.id, version: 2, by: admin, userID: adminUser.id, at: t0)
            #expect(accepted.version == 2)
            #expect(try await store.integrations.whitelistAcceptance(integration.id)?.version == 2)
            await #expect(throws: DomainError.staleVersion(entity: "endpoint whitelist", expected: 1, actual: 2)) {
                _ = try await store.integrations.acceptWhitelist(integration.id, version: 1, by: admin, userID: adminUser.id, at: t0)
            }
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }
}

@Suite("Reminder log on every engine")
struct ReminderLogTests {
    @Test(arguments: TestEngine.available)
    func aReminderIsDeliveredOnceEvenWhenInstancesRace(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let log = db.store.reminders
            let subject = ReminderSubject(kind: .contractEnds, subjectID: "c1", title: "MSA", day: "2027-02-20", recipients: ["ana@x.edu"], link: nil)
            let reminder = try #require(Reminders.due([subject], today: "2027-01-25", thresholds: [90, 30, 7], alreadySent: []).first)
            let deliveries = Counter()
            // A failed delivery records nothing, so the next run tries again.
            await #expect(throws: TestFailure.self) {
                _ = try await log.record(reminder, at: t0) { throw TestFailure() }
            }
            #expect(try await log.sentKeys().isEmpty)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await log.record(reminder, at: t0) { deliveries.increment() } } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1 && deliveries.value == 1)
            #expect(try await log.sentKeys() == Set(reminder.keys))
        }
    }
}

struct TestFailure: Error {}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
