import Crypto
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
    func aReminderIsQueuedOnceWithItsMessageEvenWhenInstancesRace(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let log = db.store.reminders
            let subject = ReminderSubject(kind: .contractEnds, subjectID: "c1", title: "MSA", day: "2027-02-20", recipients: ["ana@x.edu"], link: nil)
            let reminder = try #require(Reminders.due([subject], today: "2027-01-25", thresholds: [90, 30, 7], alreadySent: []).first)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await log.record(reminder, at: t0, mail: queuedMail(subject: "MSA ends")) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await log.sentKeys() == Set(reminder.keys))
            #expect(try await db.store.outbox.summary().waiting == 1, "one message, stored with the one reminder recorded")
        }
    }
}

/// A message for the outbox, its body sealed with a throw-away key.
func queuedMail(subject: String = "Hello", to: [String] = ["ana@x.edu"], at: Date = t0) -> QueuedMail {
    let id = QueuedMail.ID(UUID())
    let seal = MailSeal(key: SymmetricKey(size: .bits256))
    return QueuedMail(id: id, to: to, subject: subject, sealedBody: try! seal.seal("body", id: id), createdAt: at)
}

@Suite("Mail outbox on every engine")
struct MailOutboxTests {
    @Test(arguments: TestEngine.available)
    func instancesClaimEachMessageOnceAndFailuresWaitTheirTurn(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let outbox = db.store.outbox
            let messages = (0..<30).map { queuedMail(subject: "m\($0)") }
            for mail in messages { try await outbox.enqueue(mail) }
            // Eight instances claim at once: every message is claimed exactly once.
            let claimed = try await withThrowingTaskGroup(of: [QueuedMail].self) { group in
                for _ in 0..<8 { group.addTask { try await outbox.claim(now: t0, limit: 7) } }
                return try await group.reduce(into: [QueuedMail]()) { $0 += $1 }
            }
            #expect(claimed.count == 30 && Set(claimed.map(\.id)).count == 30)
            #expect(try await outbox.claim(now: t0, limit: 50).isEmpty, "a claimed message is not claimed again")
            #expect(claimed.allSatisfy { $0.state == .sending })
            let (first, second, third) = (messages[0].id, messages[1].id, messages[2].id)
            try await outbox.markSent(first, at: t0)
            let sent = try #require(try await outbox.find(first))
            #expect(sent.state == .sent && sent.sealedBody.isEmpty && sent.sentAt == t0, "a sent message keeps no body")
            try await outbox.markFailed(second, attempts: 1, error: "450 mailbox busy\r\nsecond line", retryAt: t0.addingTimeInterval(60))
            let failing = try await outbox.summary()
            #expect(failing.retrying == 1 && failing.recentRetrying.map(\.id) == [second] && failing.undeliverable == 0, "a failed message shows before it is given up")
            #expect(try await outbox.claim(now: t0.addingTimeInterval(59), limit: 50).isEmpty, "not before its retry time")
            let retried = try await outbox.claim(now: t0.addingTimeInterval(60), limit: 50)
            #expect(retried.map(\.id) == [second] && retried[0].attempts == 1 && retried[0].lastError == "450 mailbox busy second line")
            try await outbox.markFailed(second, attempts: 6, error: "550 no such user", retryAt: nil)
            // A claim never marked (the instance stopped mid-delivery) becomes undeliverable once its lease is over.
            #expect(try await outbox.abandonInterrupted(claimedBefore: t0) == 0)
            #expect(try await outbox.abandonInterrupted(claimedBefore: t0.addingTimeInterval(1)) == 28, "the 28 claimed at t0 and never marked")
            #expect(try await outbox.find(third)?.lastError == MailRetry.interrupted)
            let summary = try await outbox.summary()
            #expect(summary.waiting == 0 && summary.undeliverable == 29 && summary.recentUndeliverable.count == 20 && summary.retrying == 0)
            let admin = Actor(userID: nil, label: "Ana Admin")
            #expect(try await outbox.requeue(second, by: admin, at: t0.addingTimeInterval(120)))
            #expect(try await !outbox.requeue(second, by: admin, at: t0.addingTimeInterval(120)), "only an undeliverable message is queued again")
            let again = try await outbox.claim(now: t0.addingTimeInterval(120), limit: 50)
            #expect(again.map(\.id) == [second] && again[0].attempts == 0)
            let events = try await db.store.audit.list(AuditQuery(entityType: "mail", action: "requeue")).items
            #expect(events.count == 1 && events.contains { $0.action == "requeue" && $0.entityID == second.description && $0.summary.contains("550 no such user") })
            #expect(try await outbox.deleteSent(before: t0) == 0)
            #expect(try await outbox.deleteSent(before: t0.addingTimeInterval(1)) == 1)
            #expect(try await outbox.find(first) == nil)
            #expect(try await db.store.audit.verifyChain().1 == nil)
        }
    }
}

struct TestFailure: Error {}
