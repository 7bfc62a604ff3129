import Foundation

/// Every repository, for one database. Operations, pages and commands reach storage only through this;
/// Persistence builds it over Fluent, and a test may build it from fakes.
public struct Store: Sendable {
    public let vendors: any VendorRepository
    public let users: any UserRepository
    public let tokens: any ApiTokenRepository
    public let audit: any AuditRepository
    public let integrations: any IntegrationRepository
    public let catalog: any CatalogRepository
    public let contracts: any ContractRepository
    public let answers: any AnswerRepository
    public let vendorLinks: any VendorLinkRepository
    public let reviews: any ReviewRepository
    public let releases: any KeyReleaseRepository
    public let reminders: any ReminderLog
    public let inheritedKeys: any InheritedKeyRepository
    public let tokenRegister: any TokenRegisterRepository
    public let lti: any LTIConfigurationRepository
    public let drift: any DriftRepository
    public let canvas: any CanvasSyncRepository
    public let canvasWrites: any CanvasWriteRepository
    public let outbox: any MailOutboxRepository
    public let signInThrottle: any SignInThrottleRepository
    public let hecvat: any HECVATRepository

    public init(
        vendors: any VendorRepository, users: any UserRepository, tokens: any ApiTokenRepository, audit: any AuditRepository,
        integrations: any IntegrationRepository, catalog: any CatalogRepository, contracts: any ContractRepository,
        answers: any AnswerRepository, vendorLinks: any VendorLinkRepository, reviews: any ReviewRepository,
        releases: any KeyReleaseRepository, reminders: any ReminderLog, inheritedKeys: any InheritedKeyRepository,
        tokenRegister: any TokenRegisterRepository, lti: any LTIConfigurationRepository, drift: any DriftRepository,
        canvas: any CanvasSyncRepository, canvasWrites: any CanvasWriteRepository, outbox: any MailOutboxRepository,
        signInThrottle: any SignInThrottleRepository, hecvat: any HECVATRepository
    ) {
        self.hecvat = hecvat
        self.signInThrottle = signInThrottle
        self.outbox = outbox
        self.canvas = canvas
        self.canvasWrites = canvasWrites
        self.vendors = vendors
        self.users = users
        self.tokens = tokens
        self.audit = audit
        self.integrations = integrations
        self.catalog = catalog
        self.contracts = contracts
        self.answers = answers
        self.vendorLinks = vendorLinks
        self.reviews = reviews
        self.releases = releases
        self.reminders = reminders
        self.inheritedKeys = inheritedKeys
        self.tokenRegister = tokenRegister
        self.lti = lti
        self.drift = drift
    }
}
