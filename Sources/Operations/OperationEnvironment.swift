import Domain
import Foundation
import Logging

/// Sends one plain-text message. The web app's `Mailer` (file outbox or SMTP) is the real one.
public protocol MailSending: Sendable {
    func send(to recipients: [String], subject: String, body: String, logger: Logger) async throws
}

/// What the operations are built from, once, at start-up: storage, mail, time, identifiers, the
/// institution's rules and reference data. Tests build one with a hand-moved clock and fixed ids.
public struct OperationEnvironment: Sendable {
    /// Repositories over a fresh database session (one per call, so calls spread over the pools).
    public let stores: @Sendable () -> Store
    public let mailer: any MailSending
    public let now: @Sendable () -> Date
    public let ids: IdentifierGenerator
    public let policy: Policy
    public let questionnaires: [Questionnaire]
    /// The endpoint catalog shipped in `data/`.
    public let shippedCatalog: [CatalogEntry]
    /// The largest contract document or evidence file accepted.
    public let maxDocumentBytes: Int
    /// Absolute addresses for mail.
    public let links: OperationLinks
    public let logger: Logger

    public init(
        stores: @escaping @Sendable () -> Store, mailer: any MailSending, now: @escaping @Sendable () -> Date, ids: IdentifierGenerator,
        policy: Policy, questionnaires: [Questionnaire], shippedCatalog: [CatalogEntry],
        maxDocumentBytes: Int, links: OperationLinks, logger: Logger
    ) {
        self.stores = stores
        self.mailer = mailer
        self.now = now
        self.ids = ids
        self.policy = policy
        self.questionnaires = questionnaires
        self.shippedCatalog = shippedCatalog
        self.maxDocumentBytes = maxDocumentBytes
        self.links = links
        self.logger = logger
    }

    var store: Store { stores() }
}

/// The absolute addresses mail points at; the web app knows its routes and public address.
public struct OperationLinks: Sendable {
    /// The page that fixes a gate item or shows a reminder's subject.
    public let gateFix: @Sendable (GateFix?) -> String
    public let integration: @Sendable (Integration.ID) -> String
    /// A vendor contact's answer link, from its secret.
    public let vendorResponse: @Sendable (String) -> String

    public init(gateFix: @escaping @Sendable (GateFix?) -> String, integration: @escaping @Sendable (Integration.ID) -> String,
                vendorResponse: @escaping @Sendable (String) -> String) {
        self.gateFix = gateFix
        self.integration = integration
        self.vendorResponse = vendorResponse
    }
}

/// Every workflow, built once from one environment. Pages, the JSON API, commands and timers call these.
public struct Operations: Sendable {
    public let catalog: Catalog
    public let gates: Gates
    public let whitelists: WhitelistReviews
    public let releases: KeyReleases
    public let reminders: ReminderDispatch
    public let tokens: TokenIssuance
    public let answers: Answers
    public let vendorLinks: VendorLinks
    public let reviews: Reviews
    public let exports: AuditorExports
    public let drift: DriftScans
    public let lti: LTIImports

    public init(_ environment: OperationEnvironment) {
        catalog = Catalog(environment)
        gates = Gates(environment)
        whitelists = WhitelistReviews(environment, catalog: catalog)
        releases = KeyReleases(environment, gates: gates)
        reminders = ReminderDispatch(environment)
        tokens = TokenIssuance(environment)
        answers = Answers(environment)
        vendorLinks = VendorLinks(environment)
        reviews = Reviews(environment)
        exports = AuditorExports(environment)
        drift = DriftScans(environment, catalog: catalog)
        lti = LTIImports(environment)
    }
}
