import Domain
import Foundation
import Logging

/// What the operations are built from, once, at start-up: storage, mail, time, identifiers, the
/// institution's rules and reference data. Tests build one with a hand-moved clock and fixed ids.
public struct OperationEnvironment: Sendable {
    /// Repositories over a fresh database session (one per call, so calls spread over the pools).
    public let stores: @Sendable () -> Store
    /// Where operations put mail: the outbox in the app.
    public let mailer: any MailSending
    /// What the delivery worker hands messages to (SMTP or the file outbox); `mailer` itself when nil.
    public let mailTransport: (any MailSending)?
    public let now: @Sendable () -> Date
    public let ids: IdentifierGenerator
    public let policy: Policy
    public let questionnaires: [Questionnaire]
    /// The endpoint catalog shipped in `data/`.
    public let shippedCatalog: [CatalogEntry]
    /// The canvas-lms commit whose route table the shipped catalog was generated from.
    public let shippedCatalogCommit: String?
    /// The largest contract document or evidence file accepted.
    public let maxDocumentBytes: Int
    /// Absolute addresses for mail.
    public let links: OperationLinks
    public let logger: Logger
    /// The institution's Canvas, when `CANVAS_URL` is set.
    public let canvas: CanvasConnector?
    /// The institution's key (`SECRET_KEY_FILE`): signs exports.
    public let institutionKey: InstitutionKey
    /// Seals outbox bodies with a key derived once from `institutionKey`.
    public let mailSeal: MailSeal
    /// HECVAT scoring data and the questions our questionnaires share (`data/hecvat/`).
    public let hecvatBank: HECVATBank

    public init(
        stores: @escaping @Sendable () -> Store, mailer: any MailSending, now: @escaping @Sendable () -> Date, ids: IdentifierGenerator,
        policy: Policy, questionnaires: [Questionnaire], shippedCatalog: [CatalogEntry],
        maxDocumentBytes: Int, links: OperationLinks, logger: Logger, canvas: CanvasConnector? = nil,
        shippedCatalogCommit: String? = nil, institutionKey: InstitutionKey = InstitutionKey.generate().key, mailTransport: (any MailSending)? = nil,
        hecvatBank: HECVATBank = .empty
    ) {
        self.hecvatBank = hecvatBank
        self.mailTransport = mailTransport
        self.institutionKey = institutionKey
        self.mailSeal = MailSeal(institutionKey: institutionKey)
        self.shippedCatalogCommit = shippedCatalogCommit
        self.canvas = canvas
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

