import Domain
import Foundation
import Logging

/// Answer links for vendor contacts: created and e-mailed by an admin, opened without an account
/// (throttled per link and per address), submitted by the vendor, revoked by an admin.
public struct VendorLinks: Sendable {
    private let environment: OperationEnvironment
    private let limiter = RateLimiter()

    public static let requestsPerLink = 300
    public static let failedLookupsPerAddress = 20
    public static let window: TimeInterval = 600

    init(_ environment: OperationEnvironment) { self.environment = environment }

    /// A link just made: its secret is shown once and mailed; only its hash is stored.
    public struct Created: Sendable {
        public let link: VendorLink
        public let url: String
    }

    /// A usable link opened by its secret, with what its pages show.
    public struct Session: Sendable {
        public let link: VendorLink
        public let integration: Integration
        public let vendorName: String
        public let secret: String

        public var actor: Actor { Actor(userID: nil, label: "vendor contact \(link.contactName) <\(link.contactEmail)>") }
    }

    public func create(contactName: String?, contactEmail: String?, days: String?, for integration: Integration, by actor: Actor) async throws -> Created {
        let fields = try VendorLinkFields.validate(contactName: contactName, contactEmail: contactEmail, days: days)
        var generator = SystemRandomNumberGenerator()
        let secret = TokenSecret.generate(prefix: VendorLink.secretPrefix, using: &generator)
        let url = environment.links.vendorResponse(secret)
        let now = environment.now()
        // The repository keeps the link until the same moment.
        let expiresAt = now.addingTimeInterval(TimeInterval(fields.days) * 86_400)
        let invitation = try environment.compose(
            to: ["\(fields.contactName) <\(fields.contactEmail)>"],
            subject: "Questions about \(integration.fields.name) for our Canvas review",
            body: """
            Hello \(fields.contactName),

            \(actor.label) asks you to answer our review questions about \(integration.fields.name) \
            (FERPA, COPPA, accessibility, key and token handling, and AI use) and to attach evidence such as your VPAT.

            Open this link to answer; no account is needed:
            \(url)

            The link works until \(Format.dateTime(expiresAt)) and only for this integration. Please do not forward it.
            When you are done, press "Submit answers" so we know to look.
            """)
        // The invitation is stored with the link: a link is never created without its mail queued.
        let link = try await environment.change(with: [invitation]) {
            try await environment.store.vendorLinks.create(
                fields, integration: integration.id, id: environment.ids(), secretHash: TokenSecret.hash(secret),
                hint: TokenSecret.hint(secret, prefix: VendorLink.secretPrefix), by: actor, at: now)
        }
        return Created(link: link, url: url)
    }

    public func revoke(_ id: VendorLink.ID, of integration: Integration, by actor: Actor) async throws {
        try await environment.store.vendorLinks.revoke(id, of: integration.id, by: actor, at: environment.now())
    }

    /// The link a secret names, if it is usable. Unknown, expired and revoked links are refused
    /// alike; `address` is throttled after repeated failures, and each link has a request budget.
    public func open(secret: String, from address: String) async throws -> Session {
        let now = environment.now()
        let store = environment.store
        if await limiter.exhausted("bad:\(address)", limit: Self.failedLookupsPerAddress, window: Self.window, now: now) { throw DomainError.rateLimited }
        let hash = TokenSecret.hash(secret)
        guard secret.hasPrefix(VendorLink.secretPrefix), secret.count < 100,
              let link = try await store.vendorLinks.find(secretHash: hash), link.isUsable(at: now),
              let integration = try await store.integrations.find(link.integrationID)
        else {
            _ = await limiter.allow("bad:\(address)", limit: Self.failedLookupsPerAddress, window: Self.window, now: now)
            environment.logger.notice("answer link refused", metadata: ["address": .string(address)])
            throw DomainError.linkUnusable
        }
        guard await limiter.allow("link:\(hash)", limit: Self.requestsPerLink, window: Self.window, now: now) else { throw DomainError.rateLimited }
        if link.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true { try await store.vendorLinks.touch(link.id, at: now) }
        let vendor = try await store.vendors.find(integration.vendorID)
        return Session(link: link, integration: integration, vendorName: vendor?.name ?? "", secret: secret)
    }

    /// The vendor says they are done; the integration's owner (or, with none, every admin) is told.
    public func submit(_ session: Session) async throws {
        let mail = try await submissionMail(session)
        try await environment.change(with: mail) {
            try await environment.store.vendorLinks.markSubmitted(session.link.id, by: session.actor, at: environment.now())
        }
    }

    /// The owner (or, without one, every active admin) hears of the submission; stored with it.
    private func submissionMail(_ session: Session) async throws -> [QueuedMail] {
        let store = environment.store
        var recipients: [String] = []
        if let ownerID = session.integration.fields.ownerID, let owner = try await store.users.find(ownerID), owner.isActive {
            recipients = ["\(owner.name) <\(owner.email)>"]
        } else {
            recipients = try await store.users.list().filter { $0.isActive && $0.role == .admin }.map { "\($0.name) <\($0.email)>" }
        }
        guard !recipients.isEmpty else { return [] }
        return [try environment.compose(
            to: recipients, subject: "\(session.vendorName) submitted answers for \(session.integration.fields.name)",
            body: """
            \(session.link.contactName) <\(session.link.contactEmail)> of \(session.vendorName) submitted answers to the review \
            questionnaires for \(session.integration.fields.name).

            Review them here:
            \(environment.links.integration(session.integration.id))
            """)]
    }
}
