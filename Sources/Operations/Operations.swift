import Domain
import Foundation

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
    public let driftJobs: DriftJobs
    public let lti: LTIImports
    public let hecvat: HECVATImports
    public let gateWatch: GateWatch
    public let statuses: IntegrationStatuses
    public let queues: WorkQueues
    public let canvas: CanvasSyncs
    public let enforcement: CanvasEnforcement
    public let mail: MailDelivery
    public let signIns: SignIns
    public let dataMaps: DataMaps
    public let publicTools: PublicTools

    public init(_ environment: OperationEnvironment) {
        catalog = Catalog(environment)
        gates = Gates(environment)
        gateWatch = GateWatch(environment, gates: gates)
        statuses = IntegrationStatuses(environment, watch: gateWatch)
        queues = WorkQueues(environment, gates: gates)
        whitelists = WhitelistReviews(environment, catalog: catalog, watch: gateWatch)
        enforcement = CanvasEnforcement(environment)
        releases = KeyReleases(environment, gates: gates, enforcement: enforcement, catalog: catalog)
        reminders = ReminderDispatch(environment)
        tokens = TokenIssuance(environment)
        answers = Answers(environment, watch: gateWatch)
        vendorLinks = VendorLinks(environment)
        reviews = Reviews(environment, watch: gateWatch)
        exports = AuditorExports(environment)
        drift = DriftScans(environment, catalog: catalog)
        driftJobs = DriftJobs(environment, drift: drift)
        lti = LTIImports(environment, watch: gateWatch)
        hecvat = HECVATImports(environment, watch: gateWatch)
        canvas = CanvasSyncs(environment, enforcement: enforcement)
        mail = MailDelivery(environment, transport: environment.mailTransport ?? environment.mailer)
        signIns = SignIns(environment)
        dataMaps = DataMaps(environment, catalog: catalog)
        publicTools = PublicTools(environment)
    }
}
