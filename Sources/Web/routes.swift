import Domain
import Vapor

/// Every route, with who may use it. The role-matrix test walks `app.routeSpecs`, which this fills.
enum Routes {
    static let readers = Access.readers
    static let editorAccess = Access.editors
    static let userAdminAccess = Access.adminOnly
    static let auditAccess = Access.auditTrail
    static let reviewAccess = Access.reviewers

    static func register(_ app: Application) {
        let registry = app.routeRegistry
        let pages = AccessRoutes(
            builder: app.routes, registry: registry, kind: .page)
        let api = AccessRoutes(
            builder: app.grouped("api", "v1").grouped(BearerTokenMiddleware()), registry: registry, kind: .api,
            prefix: "api/v1/")

        let health = HealthController()
        app.get("healthz", use: health.check)
        registry.add(RouteSpec(method: .GET, path: "healthz", access: .anyone, kind: .api))

        let auth = AuthController()
        pages.get(.login, access: .anyone, use: auth.form)
        pages.post(.login, access: .anyone, use: auth.login)
        pages.post(.logout, access: .signedIn, use: auth.logout)
        pages.get(.loginCode, access: .anyone, use: auth.codeForm)
        pages.post(.loginCode, access: .anyone, use: auth.code)
        let openID = OpenIDController()
        pages.get(.openIDStart, access: .anyone, use: openID.start)
        pages.get(.openIDCallback, access: .anyone, use: openID.callback)
        let factor = FactorController()
        pages.get(.accountFactor, access: .signedIn, use: factor.show)
        pages.post(.accountFactor, access: .signedIn, use: factor.enrol)
        pages.post(.replaceFactor, access: .signedIn, use: factor.replace)
        pages.post(.userFactorReset, access: userAdminAccess, use: factor.reset)
        pages.get(.publicList, access: .anyone, use: PublicListController().show)

        pages.get(.home, access: readers, use: DashboardController().index)

        let vendors = VendorController()
        pages.get(.vendors, access: readers, use: vendors.index)
        pages.get(.newVendor, access: editorAccess, use: vendors.new)
        pages.post(.vendors, access: editorAccess, use: vendors.create)
        pages.get(.vendor, access: readers, use: vendors.show)
        pages.get(.editVendor, access: editorAccess, use: vendors.edit)
        pages.post(.vendor, access: editorAccess, use: vendors.update)

        let users = UserController()
        pages.get(.users, access: userAdminAccess, use: users.index)
        pages.get(.newUser, access: userAdminAccess, use: users.new)
        pages.post(.users, access: userAdminAccess, use: users.create)
        pages.get(.editUser, access: userAdminAccess, use: users.edit)
        pages.post(.user, access: userAdminAccess, use: users.update)

        // Everyone manages their own API tokens (auditors too: read-only API access needs one).
        let tokens = TokenController()
        pages.get(.tokens, access: .signedIn, use: tokens.index)
        pages.post(.tokens, access: .signedIn, use: tokens.create)
        pages.post(.revokeToken, access: .signedIn, use: tokens.revoke)

        pages.get(.audit, access: auditAccess, use: AuditController().index)

        let contracts = ContractController()
        pages.get(.contracts, access: readers, use: contracts.index)
        pages.get(.newContract, access: editorAccess, use: contracts.new)
        pages.post(.vendorContracts, access: editorAccess, use: contracts.create)
        pages.get(.contract, access: readers, use: contracts.show)
        pages.get(.editContract, access: editorAccess, use: contracts.edit)
        pages.post(.contract, access: editorAccess, use: contracts.update)
        pages.on(.POST, .contractDocuments, access: editorAccess,
                 maxBodySize: app.context.config.maxDocumentBytes + 262_144, use: contracts.upload)
        pages.get(.contractDocument, access: readers, use: contracts.download)

        pages.get(.questionnaires, access: readers, use: QuestionnaireController().index)

        let catalog = CatalogController()
        pages.get(.catalog, access: readers, use: catalog.index)
        pages.on(.POST, .catalogImport, access: editorAccess, maxBodySize: CatalogController.maxUpload, use: catalog.importScopes)

        let integrations = IntegrationController()
        pages.get(.integrations, access: readers, use: integrations.index)
        pages.get(.newIntegration, access: editorAccess, use: integrations.new)
        pages.post(.vendorIntegrations, access: editorAccess, use: integrations.create)
        pages.get(.integration, access: readers, use: integrations.show)
        pages.get(.editIntegration, access: editorAccess, use: integrations.edit)
        pages.post(.integration, access: editorAccess, use: integrations.update)
        // Reviewers decide (approve, reject) as well as admins; the owner never decides their own.
        pages.post(.integrationActions, access: reviewAccess, use: integrations.perform)
        pages.get(.whitelist, access: readers, use: integrations.whitelist)
        pages.post(.whitelist, access: editorAccess, use: integrations.saveWhitelist)
        pages.get(.whitelistDiff, access: readers, use: integrations.diff)
        pages.get(.whitelistScopes, access: readers, use: integrations.scopes)
        pages.get(.whitelistDeveloperKey, access: readers, use: integrations.developerKey)

        let answers = AnswerController()
        let evidenceLimit = app.context.config.maxDocumentBytes + 262_144
        pages.get(.answers, access: readers, use: answers.show)
        pages.post(.answers, access: editorAccess, use: answers.save)
        pages.post(.answerMarks, access: reviewAccess, use: answers.mark)
        pages.on(.POST, .answerEvidence, access: editorAccess,
                 maxBodySize: evidenceLimit, use: answers.upload)
        pages.get(.evidence, access: readers, use: answers.download)

        let links = VendorLinkController()
        pages.post(.vendorLinks, access: editorAccess, use: links.create)
        pages.post(.revokeVendorLink, access: editorAccess, use: links.revoke)

        // Vendor contacts: no account, only the secret in the address, and only this integration's questions.
        let respond = VendorResponseController()
        pages.get(.respond, access: .anyone, use: respond.index)
        pages.post(.respondSubmit, access: .anyone, use: respond.submit)
        pages.get(.respondQuestionnaire, access: .anyone, use: respond.questionnaire)
        pages.post(.respondQuestionnaire, access: .anyone, use: respond.save)
        pages.on(.POST, .respondEvidence, access: .anyone, maxBodySize: evidenceLimit, use: respond.upload)

        let reviews = ReviewController()
        pages.post(.integrationReviews, access: reviewAccess, use: reviews.create)
        pages.get(.review, access: readers, use: reviews.show)
        pages.post(.review, access: reviewAccess, use: reviews.update)
        pages.post(.reviewFindings, access: reviewAccess, use: reviews.addFinding)
        pages.post(.reviewFinding, access: reviewAccess, use: reviews.setFindingStatus)
        pages.post(.reviewDecision, access: reviewAccess, use: reviews.decide)

        let releases = ReleaseController()
        pages.post(.acceptWhitelist, access: reviewAccess, use: releases.acceptWhitelist)
        pages.post(.integrationReleases, access: editorAccess, use: releases.request)
        pages.get(.release, access: readers, use: releases.show)
        pages.post(.releaseVerify, access: editorAccess, use: releases.verify)
        pages.post(.releaseResend, access: editorAccess, use: releases.resend)
        pages.post(.releaseActions, access: editorAccess, use: releases.perform)

        let reports = ReportController()
        pages.get(.reports, access: readers, use: reports.index)
        pages.get(.reportPacket, access: readers, use: reports.packet)
        pages.get(.reportPortfolio, access: readers, use: reports.portfolio)
        pages.get(.reportRenewals, access: readers, use: reports.renewals)
        pages.get(.reportHygiene, access: readers, use: reports.hygiene)

        let lti = LTIController()
        pages.on(.POST, .integrationLTI, access: editorAccess, maxBodySize: LTIController.maxUpload, use: lti.upload)

        let hecvat = HECVATController()
        pages.get(.integrationHECVAT, access: readers, use: hecvat.show)
        pages.on(.POST, .integrationHECVAT, access: editorAccess, maxBodySize: HECVATController.maxUpload, use: hecvat.upload)

        let exhibitB = ExhibitBController()
        pages.get(.exhibitB, access: readers, use: exhibitB.show)
        pages.get(.exhibitBCSV, access: readers, use: exhibitB.csv)

        let drift = DriftController()
        pages.get(.drift, access: readers, use: drift.index)
        pages.on(.POST, .drift, access: editorAccess, maxBodySize: DriftController.maxUpload + 65_536, use: drift.upload)
        pages.get(.driftScan, access: readers, use: drift.show)
        pages.get(.driftJob, access: readers, use: drift.job)
        pages.post(.integrationLogIdentity, access: editorAccess, use: drift.saveIdentity)

        let canvas = CanvasController()
        pages.get(.canvas, access: readers, use: canvas.index)
        pages.post(.canvasSyncs, access: editorAccess, use: canvas.run)
        pages.get(.canvasSync, access: readers, use: canvas.show)
        pages.get(.canvasStart, access: editorAccess, use: canvas.start)
        pages.post(.canvasWrites, access: editorAccess, use: canvas.requestWrite)
        pages.post(.canvasWritePerform, access: editorAccess, use: canvas.performWrite)
        pages.post(.canvasWriteDismiss, access: editorAccess, use: canvas.dismissWrite)

        let mail = MailController()
        pages.post(.mailRequeue, access: userAdminAccess, use: mail.requeue)

        let exports = ExportController()
        pages.get(.exports, access: auditAccess, use: exports.index)
        pages.get(.exportDownload, access: auditAccess, use: exports.download)

        let inventory = InventoryController()
        pages.get(.inheritedKeys, access: readers, use: inventory.keys)
        pages.get(.newInheritedKey, access: editorAccess, use: inventory.newKey)
        pages.post(.inheritedKeys, access: editorAccess, use: inventory.createKey)
        pages.get(.editInheritedKey, access: editorAccess, use: inventory.editKey)
        pages.post(.inheritedKey, access: editorAccess, use: inventory.updateKey)
        pages.get(.tokenRegister, access: auditAccess, use: inventory.register)
        pages.post(.tokenRegister, access: editorAccess, use: inventory.addToken)
        pages.on(.POST, .tokenRegisterImport, access: editorAccess, maxBodySize: 8 * 1_048_576, use: inventory.importTokens)
        pages.post(.revokeRegisteredToken, access: editorAccess, use: inventory.revokeToken)

        let vendorAPI = VendorAPIController()
        api.get("openapi.yaml", access: .anyone, use: vendorAPI.openAPI)
        api.get("me", access: readers, use: vendorAPI.me)
        api.get("vendors", access: readers, use: vendorAPI.index)
        api.post("vendors", access: editorAccess, use: vendorAPI.create)
        api.get("vendors/:vendorID", access: readers, use: vendorAPI.show)
        api.patch("vendors/:vendorID", access: editorAccess, use: vendorAPI.update)

        let contractAPI = ContractAPIController()
        api.get("contracts", access: readers, use: contractAPI.index)
        api.post("contracts", access: editorAccess, use: contractAPI.create)
        api.get("contracts/:contractID", access: readers, use: contractAPI.show)
        api.patch("contracts/:contractID", access: editorAccess, use: contractAPI.update)
        api.get("contracts/:contractID/documents", access: readers, use: contractAPI.documents)
        api.get("contracts/:contractID/documents/:documentID", access: readers, use: contractAPI.download)

        let integrationAPI = IntegrationAPIController()
        api.get("integrations", access: readers, use: integrationAPI.index)
        api.post("integrations", access: editorAccess, use: integrationAPI.create)
        api.get("integrations/:integrationID", access: readers, use: integrationAPI.show)
        api.patch("integrations/:integrationID", access: editorAccess, use: integrationAPI.update)
        api.post("integrations/:integrationID/actions", access: reviewAccess, use: integrationAPI.perform)
        api.get("integrations/:integrationID/whitelist", access: readers, use: integrationAPI.whitelist)
        api.on(.PUT, "integrations/:integrationID/whitelist", access: editorAccess, use: integrationAPI.saveWhitelist)
        api.get("integrations/:integrationID/whitelist/diff", access: readers, use: integrationAPI.diff)
        api.get("integrations/:integrationID/data-map", access: readers, use: integrationAPI.dataMap)

        let releaseAPI = ReleaseAPIController()
        api.get("integrations/:integrationID/gate", access: readers, use: releaseAPI.gate)
        api.get("integrations/:integrationID/releases", access: readers, use: releaseAPI.list)
        api.post("integrations/:integrationID/releases", access: editorAccess, use: releaseAPI.request)
        api.get("releases/:releaseID", access: readers, use: releaseAPI.show)
        api.post("releases/:releaseID/verify", access: editorAccess, use: releaseAPI.verify)
        api.post("releases/:releaseID/resend", access: editorAccess, use: releaseAPI.resend)
        api.post("releases/:releaseID/actions", access: editorAccess, use: releaseAPI.perform)

        api.get("integrations/:integrationID/lti", access: readers, use: lti.history)
        api.on(.PUT, "integrations/:integrationID/lti", access: editorAccess, maxBodySize: LTIController.maxUpload, use: lti.put)
        api.get("integrations/:integrationID/hecvat", access: readers, use: hecvat.get)
        api.on(.PUT, "integrations/:integrationID/hecvat", access: editorAccess, maxBodySize: HECVATController.maxUpload, use: hecvat.put)

        api.get("drift/scans", access: readers, use: drift.apiScans)
        api.on(.POST, "drift/scans", access: editorAccess, maxBodySize: DriftController.maxUpload, use: drift.apiUpload)
        api.get("drift/scans/:scanID", access: readers, use: drift.apiScan)
        api.get("drift/jobs/:jobID", access: readers, use: drift.apiJob)
        api.get("integrations/:integrationID/drift", access: readers, use: drift.apiIntegration)
        api.on(.PUT, "integrations/:integrationID/log-identity", access: editorAccess, use: drift.apiSaveIdentity)

        api.get("canvas/syncs", access: readers, use: canvas.apiSyncs)
        api.post("canvas/syncs", access: editorAccess, use: canvas.apiRun)
        api.get("canvas/syncs/:syncID", access: readers, use: canvas.apiSync)
        api.get("canvas/findings", access: readers, use: canvas.apiFindings)
        api.get("canvas/writes", access: readers, use: canvas.apiWrites)
        api.post("canvas/writes", access: editorAccess, use: canvas.apiRequestWrite)
        api.post("canvas/writes/:writeID/perform", access: editorAccess, use: canvas.apiPerformWrite)
        api.post("canvas/writes/:writeID/dismiss", access: editorAccess, use: canvas.apiDismissWrite)

        api.get("mail", access: userAdminAccess, use: mail.apiSummary)
        api.post("mail/:mailID/requeue", access: userAdminAccess, use: mail.apiRequeue)

        let catalogAPI = CatalogAPIController()
        api.get("catalog", access: readers, use: catalogAPI.summary)
        api.get("catalog/check", access: readers, use: catalogAPI.check)
        let inventoryAPI = InventoryAPIController()
        api.get("inherited-keys", access: readers, use: inventoryAPI.keys)
        api.get("token-register", access: auditAccess, use: inventoryAPI.register)

        let reviewAPI = ReviewAPIController()
        api.get("integrations/:integrationID/questionnaires", access: readers, use: reviewAPI.questionnaires)
        api.on(.PUT, "integrations/:integrationID/questionnaires/:questionnaireID", access: editorAccess, use: reviewAPI.saveAnswers)
        api.post("integrations/:integrationID/questionnaires/:questionnaireID/marks", access: reviewAccess, use: reviewAPI.mark)
        api.get("integrations/:integrationID/reviews", access: readers, use: reviewAPI.reviews)
        api.post("integrations/:integrationID/reviews", access: reviewAccess, use: reviewAPI.create)
        api.get("reviews/:reviewID", access: readers, use: reviewAPI.show)
        api.patch("reviews/:reviewID", access: reviewAccess, use: reviewAPI.update)
        api.post("reviews/:reviewID/findings", access: reviewAccess, use: reviewAPI.addFinding)
        api.patch("reviews/:reviewID/findings/:findingID", access: reviewAccess, use: reviewAPI.updateFinding)
        api.post("reviews/:reviewID/decision", access: reviewAccess, use: reviewAPI.decide)
    }
}
