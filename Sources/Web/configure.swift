import Domain
import Leaf
import LeafKit
import Operations
import Persistence
import Vapor

/// Builds the whole application from its configuration. `main` and the tests call the same function.
public func configure(_ app: Application, config: AppConfig, services: AppServices = AppServices()) async throws {
    try app.openDatabase(config.database)
    app.sessions.use { _ in DatabaseSessions() }

    app.sessions.configuration = SessionsConfiguration(cookieName: "vr_session") { id in
        HTTPCookies.Value(string: id.string, isSecure: config.cookiesAreSecure, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware(strictTransport: config.cookiesAreSecure))
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(PageOnlyMiddleware(middleware: [app.sessions.middleware, SessionUserMiddleware()]))
    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodySize)

    let reload = config.templateReload
    app.views.use { TemplateRenderer.make($0, reload: reload) }
    app.leaf.configuration = LeafConfiguration(rootDirectory: config.shippedTemplatesDirectory)
    app.leaf.sources = try TemplateCheck.sources(app, config: config)

    let hasher = services.makeHasher(app, config.bcryptCost)
    var generator = SystemRandomNumberGenerator()
    let decoy = try await hasher.hash(TokenSecret.generate(using: &generator))
    let shippedCatalog = try ReferenceData.loadCatalog(dataDirectory: config.dataDirectory)
    let questionnaires = try ReferenceData.loadQuestionnaires(dataDirectory: config.dataDirectory)
    let policy = try ReferenceData.loadPolicy(dataDirectory: config.dataDirectory, questionnaires: questionnaires)
    let hecvatBank = try ReferenceData.loadHECVATBank(dataDirectory: config.dataDirectory, questionnaires: questionnaires)
    let transport: any MailTransport = config.smtp.map { SMTPTransport(settings: $0, clientName: Mailer.clientName(config.publicURL ?? "")) }
        ?? FileOutbox(directory: config.outboxDirectory, now: services.now)
    let mailer = Mailer(from: config.mailFrom, transport: transport, now: services.now)
    let persistence = app.persistence
    let institutionKey = try InstitutionKeyFile.load(config, logger: app.logger)
    let mailSignal = WakeSignal()
    let outbox = OutboxMailer(stores: { persistence.store }, seal: MailSeal(institutionKey: institutionKey), ids: services.ids, now: services.now,
                              signal: mailSignal)
    let address = PublicAddress(configured: config.publicURL, application: app)
    let canvas = CanvasLink(config.canvas, logger: app.logger)
    let operations = Operations(OperationEnvironment(
        stores: { persistence.store }, mailer: outbox, now: services.now, ids: services.ids, policy: policy,
        questionnaires: questionnaires, shippedCatalog: shippedCatalog, maxDocumentBytes: config.maxDocumentBytes,
        links: OperationLinks(gateFix: { address.absolute(path: SiteURL.link($0) ?? "/") }, integration: { address.absolute(.integration($0)) },
                              vendorResponse: { address.absolute(.respond($0)) }),
        logger: app.logger, canvas: canvas.connector,
        shippedCatalogCommit: ReferenceData.catalogCommit(dataDirectory: config.dataDirectory), institutionKey: institutionKey,
        mailTransport: mailer, hecvatBank: hecvatBank))
    app.context = AppContext(config: config, services: services, hasher: hasher, decoyHash: decoy, operations: operations,
                             questionnaires: questionnaires, mailer: mailer, mailSignal: mailSignal, policy: policy, canvas: canvas,
                             openID: config.signIn.openID.map { OpenIDClient(settings: $0, http: app.http.client.shared, logger: app.logger, now: services.now) },
                             address: address)

    try await TemplateCheck.renderAll(app, config: config)
    Routes.register(app)  // after app.context: routes read limits from the configuration
    Commands.register(app)
}
