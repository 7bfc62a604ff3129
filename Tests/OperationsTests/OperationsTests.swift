import Domain
import Foundation
import Logging
import Operations
import Persistence
import TestSupport
import Testing

/// Records what would have been mailed.
final class RecordingMailer: MailSending, @unchecked Sendable {
    struct Message: Equatable {
        let to: [String]
        let subject: String
        let body: String
    }

    private let lock = NSLock()
    private var sent: [Message] = []

    var messages: [Message] { lock.withLock { sent } }

    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws {
        lock.withLock { sent.append(Message(to: recipients, subject: subject, body: body)) }
    }
}

/// The operations built the way `configure` builds them, over a real database and a hand-moved
/// clock, with no web framework anywhere.
struct OperationsHarness {
    let operations: Operations
    let store: Store
    let mailer: RecordingMailer
    let clock: TestClock

    /// `transport` stands in for SMTP when given; otherwise delivered mail is recorded in `mailer`.
    static func run(_ engine: TestEngine, transport: (any MailSending)? = nil, _ body: (OperationsHarness) async throws -> Void) async throws {
        try await withMigratedDatabase(engine) { database in
            let clock = TestClock()
            let mailer = RecordingMailer()
            let key = InstitutionKey.generate().key
            // As the app is built: operations put mail in the outbox, and the worker delivers it to the transport.
            let outbox = OutboxMailer(stores: { database.store }, seal: MailSeal(institutionKey: key), ids: .random, now: { clock.now }, signal: WakeSignal())
            let environment = OperationEnvironment(
                stores: { database.store }, mailer: outbox, now: { clock.now }, ids: .random, policy: .standard, questionnaires: [],
                shippedCatalog: [], maxDocumentBytes: 1_048_576,
                links: OperationLinks(gateFix: { _ in "https://review.example/fix" }, integration: { "https://review.example/integrations/\($0)" },
                                      vendorResponse: { "https://review.example/respond/\($0)" }),
                logger: Logger(label: "operations-tests"), institutionKey: key, mailTransport: transport ?? mailer)
            try await body(OperationsHarness(operations: Operations(environment), store: database.store, mailer: mailer, clock: clock))
        }
    }

    /// What has been delivered, after the outbox's worker has run.
    func delivered() async throws -> [RecordingMailer.Message] {
        try await operations.mail.deliverDue()
        return mailer.messages
    }

    func admin() async throws -> User {
        try await store.users.create(NewUser(email: "ana@northfield.example", name: "Ana Admin", role: .admin), id: .init(UUID()),
                                     passwordHash: "not-a-real-hash", by: .commandLine, at: clock.now)
    }

    func vendor() async throws -> Vendor {
        try await store.vendors.create(VendorFields(name: "Quillstone", securityContactEmail: "security@quillstone.example"), id: .init(UUID()),
                                       by: .commandLine, at: clock.now)
    }
}

@Suite("Operations without the web layer")
struct OperationsTests {
    @Test(arguments: TestEngine.available)
    func anUnmetGateRefusesARelease(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let vendor = try await h.vendor()
            let integration = try await h.store.integrations.create(
                IntegrationFields(name: "Roster sync", kind: .apiDeveloperKey, installLevel: .rootAccount, purpose: "Sync", classification: .restricted),
                vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let gate = try await h.operations.gates.evaluate(integration)
            #expect(!gate.isMet && !gate.unmet.isEmpty)
            await #expect(throws: DomainError.self) { _ = try await h.operations.releases.request(integration, rotating: nil, by: try await h.admin()) }
            #expect(try await h.store.releases.list(integration.id).isEmpty)
            #expect(try await h.delivered().isEmpty, "no code is mailed for a refused release")
        }
    }

    @Test(arguments: TestEngine.available)
    func remindersGoOutOnceFromATimer(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            _ = try await h.admin()
            let vendor = try await h.vendor()
            let ends = CalendarDay.adding(days: 20, to: CalendarDay.of(h.clock.now))
            _ = try await h.store.contracts.create(ContractFields(title: "MSA", kind: .masterAgreement, status: .signed, signedOn: "2020-01-01", endsOn: ends),
                                                   vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            #expect(try await h.operations.reminders.send() == 1)
            #expect(try await h.operations.reminders.send() == 0)
            let message = try #require(try await h.delivered().first)
            #expect(message.subject == "Contract ends in 20 days: “MSA” with Quillstone")
            #expect(message.to == ["Ana Admin <ana@northfield.example>"] && message.body.contains("https://review.example/fix"))
        }
    }

    @Test(arguments: TestEngine.available)
    func anAnswerLinkIsMailedOpenedAndRevoked(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let vendor = try await h.vendor()
            let integration = try await h.store.integrations.create(
                IntegrationFields(name: "Reader", kind: .lti13, installLevel: .course, purpose: "Reading", classification: .internal),
                vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            await #expect(throws: DomainError.self) {
                _ = try await h.operations.vendorLinks.create(contactName: "", contactEmail: "nope", days: "0", for: integration, by: .commandLine)
            }
            let created = try await h.operations.vendorLinks.create(contactName: "Vee", contactEmail: "vee@quillstone.example", days: "14",
                                                                    for: integration, by: .commandLine)
            #expect(created.url.hasPrefix("https://review.example/respond/vl_"))
            #expect(try await h.delivered().last?.body.contains(created.url) == true)
            let secret = String(created.url.dropFirst("https://review.example/respond/".count))
            let session = try await h.operations.vendorLinks.open(secret: secret, from: "192.0.2.1")
            #expect(session.integration.id == integration.id && session.vendorName == "Quillstone")
            await #expect(throws: DomainError.linkUnusable) { _ = try await h.operations.vendorLinks.open(secret: secret + "x", from: "192.0.2.1") }
            try await h.operations.vendorLinks.revoke(created.link.id, of: integration, by: .commandLine)
            await #expect(throws: DomainError.linkUnusable) { _ = try await h.operations.vendorLinks.open(secret: secret, from: "192.0.2.1") }
        }
    }

    @Test func tokensAreIssuedOnceAndStoredAsHashes() async throws {
        try await OperationsHarness.run(.sqlite) { h in
            let admin = try await h.admin()
            let secret = try await h.operations.tokens.issue(TokenRequest(purpose: "nightly sync", expiresInDays: 30), for: admin, by: .commandLine)
            let stored = try #require(try await h.store.tokens.list(userID: admin.id).first)
            #expect(stored.tokenHash == TokenSecret.hash(secret) && stored.tokenHash != secret && !stored.hint.isEmpty)
            #expect(stored.expiresAt == h.clock.now.addingTimeInterval(30 * 86_400))
        }
    }
}
