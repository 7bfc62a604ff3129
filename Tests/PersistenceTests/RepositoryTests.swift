import Domain
import Foundation
@testable import Persistence
import SQLKit
import TestSupport
import Testing

let admin = Actor(userID: nil, label: "ana@northfield.example (admin)")
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func fields(_ name: String, standing: VendorStanding = .prospective) -> VendorFields {
    VendorFields(name: name, website: "https://\(name.lowercased().replacingOccurrences(of: " ", with: "")).example", standing: standing)
}

@Suite("Repositories on every engine")
struct RepositoryTests {
    @Test(arguments: TestEngine.available)
    func migrationsGoUpDownAndUpAgain(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            _ = try await db.store.vendors.create(fields("Before"), id: .init(UUID()), by: admin, at: t0)
            try await db.revert()
            let sql = sqlDatabase(db)
            // After a full revert no table of ours is left.
            await #expect(throws: (any Error).self) { try await sql.raw("SELECT COUNT(*) FROM vendors").run() }
            try await db.migrate()
            #expect(try await db.store.vendors.list(VendorQuery()).total == 0)
            let (verifier, problem) = try await db.store.audit.verifyChain()
            #expect(problem == nil)
            #expect(verifier.checked == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func vendorsAreCreatedFoundListedAndAudited(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let names = ["Quillstone Learning", "Brightpath Proctoring", "Cobalt Check", "Meridian Analytics"]
            for (i, name) in names.enumerated() {
                _ = try await store.vendors.create(
                    fields(name, standing: i % 2 == 0 ? .goodStanding : .onNotice), id: .init(UUID()), by: admin,
                    at: t0.addingTimeInterval(Double(i)))
            }
            let all = try await store.vendors.list(VendorQuery())
            #expect(all.items.map(\.name) == names.sorted { $0.lowercased() < $1.lowercased() })
            #expect(try await store.vendors.list(VendorQuery(search: "QUILL")).items.map(\.name) == ["Quillstone Learning"])
            #expect(try await store.vendors.list(VendorQuery(standing: .onNotice)).total == 2)
            let newest = try await store.vendors.list(VendorQuery(sort: .updated))
            #expect(newest.items.first?.name == "Meridian Analytics")
            let page2 = try await store.vendors.list(VendorQuery(page: PageRequest(page: 2, size: 3)))
            #expect(page2.items.count == 1)
            #expect(page2.total == 4)

            let id = all.items[0].id
            let found = try await store.vendors.find(id)
            #expect(found?.fields.website == all.items[0].fields.website)
            #expect(try await store.vendors.find(.init(UUID())) == nil)

            let events = try await store.audit.list(AuditQuery(entityType: "vendor"))
            #expect(events.total == 4)
            #expect(events.items.first?.summary.contains("Meridian Analytics — Created") == true)
            #expect(try await store.audit.list(AuditQuery(entityID: id.description)).total == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func namesAreUniqueRegardlessOfCase(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            _ = try await db.store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            await #expect(throws: DomainError.duplicate(field: "name", message: "A vendor named “QUILLSTONE” already exists.")) {
                _ = try await db.store.vendors.create(fields("QUILLSTONE"), id: .init(UUID()), by: admin, at: t0)
            }
            // Nothing half-written: one vendor, one audit event.
            #expect(try await db.store.vendors.list(VendorQuery()).total == 1)
            #expect(try await db.store.audit.list(AuditQuery()).total == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func staleSavesAreRefusedAndChangeNothing(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let created = try await store.vendors.create(fields("Ledgerline"), id: .init(UUID()), by: admin, at: t0)
            var first = created.fields
            first.standing = .goodStanding
            let saved = try await store.vendors.update(created.id, to: first, expectedVersion: 1, by: admin, at: t0.addingTimeInterval(5))
            #expect(saved.version == 2)
            var second = created.fields
            second.notes = "edited from a stale page"
            await #expect(throws: DomainError.staleVersion(entity: "vendor", expected: 1, actual: 2)) {
                _ = try await store.vendors.update(created.id, to: second, expectedVersion: 1, by: admin, at: t0.addingTimeInterval(6))
            }
            let now = try await store.vendors.find(created.id)
            #expect(now?.fields.standing == .goodStanding)
            #expect(now?.fields.notes == nil)
            #expect(now?.version == 2)
            let update = try await store.audit.list(AuditQuery(action: "update")).items
            #expect(update.count == 1)
            #expect(update[0].summary.contains("standing \"Prospective\" → \"Good standing\""))
            // Saving identical values is not a change: no new version, no event.
            let unchanged = try await store.vendors.update(created.id, to: first, expectedVersion: 2, by: admin, at: t0)
            #expect(unchanged.version == 2)
            #expect(try await store.audit.list(AuditQuery()).total == 2)
        }
    }

    @Test(arguments: TestEngine.available)
    func concurrentWritersNeverForkTheChain(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        _ = try await store.vendors.create(fields("Vendor \(i)"), id: .init(UUID()), by: admin, at: t0)
                    }
                }
                try await group.waitForAll()
            }
            let (verifier, problem) = try await store.audit.verifyChain()
            #expect(problem == nil)
            #expect(verifier.checked == 24)
            let sequences = try await store.audit.list(AuditQuery(page: PageRequest(page: 1, size: 100))).items.map(\.sequence)
            #expect(sequences.sorted() == Array(1...24))
        }
    }

    /// The export's streaming read goes below the model, per driver: it must give back exactly what the
    /// model reads, actor, time and non-ASCII text included, in order and in pages.
    @Test(arguments: TestEngine.available)
    func streamedEventsAreTheStoredEvents(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let system = Actor(userID: nil, label: "vendor-review (command line)")
            let person = Actor(userID: .init(UUID()), label: "Ana Díaz (admin)")
            for i in 0..<7 {
                _ = try await store.vendors.create(fields("Fournisseur “\(i)” — Zürich \\ \"quoted\""), id: .init(UUID()), by: i.isMultiple(of: 3) ? system : person,
                                                   at: t0.addingTimeInterval(Double(i) * 0.123))
            }
            let stored = try await store.audit.list(AuditQuery(page: PageRequest(page: 1, size: 100))).items.reversed()
            let firstPage = try await store.audit.events(after: 0, limit: 3)
            let rest = try await store.audit.events(after: 3, limit: 100)
            #expect(firstPage.map(\.sequence) == [1, 2, 3])
            #expect(firstPage + rest == Array(stored))
            #expect(stored.contains { $0.actorID != nil } && stored.contains { $0.actorID == nil })
            #expect(try await store.audit.events(after: 7, limit: 100).isEmpty)
            var verifier = AuditChain.Verifier()
            #expect(verifier.check(firstPage + rest) == nil)
        }
    }

    /// Mail composed for a change is stored in the change's own transaction: with it, or not at all.
    @Test(arguments: TestEngine.available)
    func mailGoesInWithItsChangeOrNotAtAll(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            func mail(_ subject: String) -> QueuedMail {
                QueuedMail(id: .init(UUID()), to: ["vera@vendor.example"], subject: subject, sealedBody: Data([1, 2, 3]), createdAt: t0)
            }
            let kept = MailWithChange([mail("with the new vendor")])
            _ = try await MailWithChange.$current.withValue(kept) {
                try await store.vendors.create(fields("Acme Learning"), id: .init(UUID()), by: admin, at: t0)
            }
            #expect(kept.isStored)
            // The same name again is refused inside the transaction: its mail goes nowhere.
            let refused = MailWithChange([mail("with a refused vendor")])
            await #expect(throws: (any Error).self) {
                try await MailWithChange.$current.withValue(refused) {
                    _ = try await store.vendors.create(fields("Acme Learning"), id: .init(UUID()), by: admin, at: t0)
                }
            }
            #expect(!refused.isStored)
            // Only the first audited write in the scope takes the mail.
            let once = MailWithChange([mail("once")])
            try await MailWithChange.$current.withValue(once) {
                _ = try await store.vendors.create(fields("Second"), id: .init(UUID()), by: admin, at: t0)
                _ = try await store.vendors.create(fields("Third"), id: .init(UUID()), by: admin, at: t0)
            }
            // Mail tied to one audit event skips a write that records another.
            let tied = MailWithChange([mail("only with a deletion")], onlyWith: ("vendor", "delete"))
            _ = try await MailWithChange.$current.withValue(tied) {
                try await store.vendors.create(fields("Fourth"), id: .init(UUID()), by: admin, at: t0)
            }
            #expect(!tied.isStored)
            let waiting = try await store.outbox.claim(now: t0.addingTimeInterval(60), limit: 10)
            #expect(waiting.map(\.subject).sorted() == ["once", "with the new vendor"])
            #expect(try await store.audit.list(AuditQuery(entityType: "vendor")).total == 4)
        }
    }

    @Test(arguments: TestEngine.available)
    func tamperingIsDetected(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            for i in 0..<5 {
                _ = try await db.store.vendors.create(fields("Vendor \(i)"), id: .init(UUID()), by: admin, at: t0)
            }
            let sql = sqlDatabase(db)
            try await sql.raw("UPDATE audit_events SET summary = 'harmless' WHERE seq = 3").run()
            #expect(try await db.store.audit.verifyChain().1 == .contentChanged(sequence: 3))
        }
    }

    @Test(arguments: TestEngine.available)
    func removingTheNewestEventIsDetected(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            for i in 0..<3 {
                _ = try await db.store.vendors.create(fields("Vendor \(i)"), id: .init(UUID()), by: admin, at: t0)
            }
            try await sqlDatabase(db).raw("DELETE FROM audit_events WHERE seq = 3").run()
            #expect(try await db.store.audit.verifyChain().1 == .truncated(lastFound: 2, headSays: 3))
        }
    }

    @Test(arguments: TestEngine.available)
    func usersAreUniqueAndLoginOutcomesAreStored(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let users = db.store.users
            let user = try await users.create(NewUser(email: "ana@northfield.example", name: "Ana", role: .admin),
                                              id: .init(UUID()), passwordHash: "hash", by: .commandLine, at: t0)
            await #expect(throws: DomainError.self) {
                _ = try await users.create(NewUser(email: "ana@northfield.example", name: "Other", role: .auditor),
                                           id: .init(UUID()), passwordHash: "hash", by: .commandLine, at: t0)
            }
            let locked = LoginState(failedAttempts: 5, lockedUntil: t0.addingTimeInterval(900))
            try await users.recordLogin(user.id, state: locked, succeeded: false, lockedNow: true, at: t0)
            let reloaded = try await users.find(email: "ANA@northfield.example")
            #expect(reloaded?.login.failedAttempts == 5)
            #expect(reloaded?.login.isLocked(at: t0.addingTimeInterval(899)) == true)
            #expect(try await db.store.audit.list(AuditQuery(action: "lock")).total == 1)

            let changed = try await users.update(user.id, to: UserChanges(name: "Ana B", role: .auditor, isActive: false),
                                                 expectedVersion: 1, by: admin, at: t0)
            #expect(changed.role == .auditor)
            #expect(!changed.isActive)
            #expect(try await db.store.audit.list(AuditQuery(action: "deactivate")).items.first?.summary.contains("role \"admin\" → \"auditor\"") == true)
            await #expect(throws: DomainError.staleVersion(entity: "user", expected: 1, actual: 2)) {
                _ = try await users.update(user.id, to: UserChanges(name: "X", role: .admin, isActive: true), expectedVersion: 1, by: admin, at: t0)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func tokensAreStoredByHashAndRevocableOnlyByTheirOwner(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let owner = try await store.users.create(NewUser(email: "a@northfield.example", name: "A", role: .admin),
                                                     id: .init(UUID()), passwordHash: "h", by: .commandLine, at: t0)
            let other = try await store.users.create(NewUser(email: "b@northfield.example", name: "B", role: .auditor),
                                                     id: .init(UUID()), passwordHash: "h", by: .commandLine, at: t0)
            let token = ApiToken(id: .init(UUID()), userID: owner.id, purpose: "Nightly sync", hint: "vr_abcd…",
                                 tokenHash: TokenSecret.hash("vr_secret"), createdAt: t0, expiresAt: t0.addingTimeInterval(86_400))
            try await store.tokens.create(token, by: admin)
            #expect(try await store.tokens.find(hash: TokenSecret.hash("vr_secret"))?.id == token.id)
            #expect(try await store.tokens.find(hash: TokenSecret.hash("vr_other")) == nil)
            try await store.tokens.touch(token.id, at: t0.addingTimeInterval(10))
            #expect(try await store.tokens.list(userID: owner.id).first?.lastUsedAt != nil)
            await #expect(throws: DomainError.notFound(entity: "API token")) {
                try await store.tokens.revoke(token.id, userID: other.id, by: admin, at: t0)
            }
            try await store.tokens.revoke(token.id, userID: owner.id, by: admin, at: t0.addingTimeInterval(20))
            #expect(try await store.tokens.list(userID: owner.id).first?.revokedAt != nil)
            let audit = try await store.audit.list(AuditQuery(entityType: "api_token")).items.map(\.action)
            #expect(audit == ["revoke", "create"])
        }
    }
}
