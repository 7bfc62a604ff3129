import Domain
import Foundation
import Logging
import Operations
import Persistence
import TestSupport
import Testing

/// A mail server that refuses the first `failures` deliveries, and may write to the database while it
/// talks (as nothing may, if delivery ran inside a transaction holding the SQLite write lock).
final class FlakyTransport: MailSending, @unchecked Sendable {
    struct Refused: Error, CustomStringConvertible { var description: String { "451 try again later" } }
    private let lock = NSLock()
    private var left: Int
    private var delivered: [String] = []
    var whileSending: (@Sendable () async throws -> Void)?

    init(failures: Int) { left = failures }

    var subjects: [String] { lock.withLock { delivered } }

    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws {
        if let whileSending { try await whileSending() }
        try lock.withLock {
            if left > 0 {
                left -= 1
                throw Refused()
            }
            delivered.append(subject)
        }
    }
}

@Suite("Mail leaves through the outbox")
struct MailDeliveryTests {
    @Test(arguments: TestEngine.available)
    func aFailedDeliveryBacksOffThenBecomesUndeliverableAndCanBeSentAgain(engine: TestEngine) async throws {
        let transport = FlakyTransport(failures: 7)
        try await OperationsHarness.run(engine, transport: transport) { h in
            let admin = try await h.admin()
            let vendor = try await h.vendor()
            let ends = CalendarDay.adding(days: 20, to: CalendarDay.of(h.clock.now))
            _ = try await h.store.contracts.create(ContractFields(title: "MSA", kind: .masterAgreement, status: .signed, signedOn: "2020-01-01", endsOn: ends),
                                                   vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            #expect(try await h.operations.reminders.send() == 1)
            #expect(try await h.operations.mail.summary().waiting == 1, "queued with the reminder, not sent by it")
            // 1, 2, 4, 8 and 16 minutes apart; nothing is tried early.
            var rounds = [try await h.operations.mail.deliverDue()]
            for minutes in [1, 2, 4, 8] {
                h.clock.advance(by: Double(minutes) * 60 - 1)
                #expect(try await h.operations.mail.deliverDue() == MailDelivery.Round(), "not before its time (\(minutes) min)")
                h.clock.advance(by: 1)
                rounds.append(try await h.operations.mail.deliverDue())
            }
            #expect(rounds.allSatisfy { $0.retrying == 1 })
            h.clock.advance(by: 16 * 60)
            #expect(try await h.operations.mail.deliverDue().undeliverable == 1, "the sixth failure is the last")
            let summary = try await h.operations.mail.summary()
            #expect(summary.undeliverable == 1 && summary.waiting == 0)
            let failed = try #require(summary.recentUndeliverable.first)
            #expect(failed.attempts == 6 && failed.lastError == "451 try again later" && failed.subject.hasPrefix("Contract ends in 20 days"))
            h.clock.advance(by: 3_600)
            #expect(try await h.operations.mail.deliverDue() == MailDelivery.Round(), "an undeliverable message is not retried on its own")
            // An admin sends it again: one more refusal, then it goes.
            #expect(try await h.operations.mail.requeue(failed.id, by: admin))
            #expect(try await h.operations.mail.deliverDue().retrying == 1)
            h.clock.advance(by: 60)
            #expect(try await h.operations.mail.deliverDue().sent == 1)
            #expect(transport.subjects == [failed.subject])
            #expect(try await h.store.outbox.find(failed.id)?.sealedBody.isEmpty == true, "the body is wiped once sent")
        }
    }

    @Test(arguments: TestEngine.available)
    func bodiesAreSealedAndNoDeliveryHoldsATransaction(engine: TestEngine) async throws {
        let transport = FlakyTransport(failures: 0)
        try await OperationsHarness.run(engine, transport: transport) { h in
            let vendor = try await h.vendor()
            let integration = try await h.store.integrations.create(
                IntegrationFields(name: "Reader", kind: .lti13, installLevel: .course, purpose: "Reading", classification: .internal),
                vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let created = try await h.operations.vendorLinks.create(contactName: "Vera", contactEmail: "vera@vendor.example", days: "7", for: integration,
                                                                    by: .commandLine)
            let summary = try await h.operations.mail.summary()
            #expect(summary.waiting == 1)
            // The answer link carries a secret: the stored body is not readable without the institution's key.
            let stored = try #require(try await h.store.outbox.claim(now: h.clock.now, limit: 5).first)
            #expect(!String(decoding: stored.sealedBody, as: UTF8.self).contains(created.url))
            #expect(throws: (any Error).self) { try MailSeal(institutionKey: InstitutionKey.generate().key).open(stored.sealedBody, id: stored.id) }
            try await h.store.outbox.markFailed(stored.id, attempts: 0, error: "test put it back", retryAt: h.clock.now)
            // The transport writes while it delivers: were delivery inside a write transaction, this would wait forever.
            let store = h.store
            let clock = h.clock
            transport.whileSending = {
                _ = try await store.vendors.create(VendorFields(name: "Written while mailing"), id: .init(UUID()), by: .commandLine, at: clock.now)
            }
            let round = try await withThrowingTaskGroup(of: MailDelivery.Round?.self) { group in
                group.addTask { try await h.operations.mail.deliverDue() }
                // A delivery inside a transaction would wait forever; the bound only has to be longer than a
                // slow round while the rest of the suite runs alongside on two cores (it took 20 s once).
                group.addTask { try await Task.sleep(nanoseconds: 120_000_000_000); return nil }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            #expect(round?.sent == 1, "delivered without waiting on a transaction")
            #expect(transport.subjects == ["Questions about Reader for our Canvas review"])
        }
    }
}
