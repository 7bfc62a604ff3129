import Domain
import Foundation

/// Links to pages, built in one place from the `PagePath` patterns `routes.swift` registers.
enum SiteURL {
    case home
    case login(next: String? = nil)
    case logout
    case loginCode
    case openIDStart(next: String?)
    case openIDCallback
    case accountFactor
    case replaceFactor
    case userFactorReset(User.ID)
    case publicList(account: String?)
    case vendors(query: [String: String] = [:])
    case newVendor
    case vendor(Vendor.ID)
    case editVendor(Vendor.ID)
    case users
    case newUser
    case editUser(User.ID)
    case user(User.ID)
    case tokens
    case revokeToken(ApiToken.ID)
    case audit(query: [String: String] = [:])
    case integrations(query: [String: String] = [:])
    case catalog
    case catalogImport
    case questionnaires
    case contracts(query: [String: String] = [:])
    case newContract(Vendor.ID)
    case vendorContracts(Vendor.ID)
    case contract(Contract.ID)
    case editContract(Contract.ID)
    case contractDocuments(Contract.ID)
    case contractDocument(Contract.ID, ContractDocument.ID)
    case vendorIntegrations(Vendor.ID)
    case newIntegration(Vendor.ID)
    case integration(Integration.ID)
    case editIntegration(Integration.ID)
    case integrationActions(Integration.ID)
    case whitelist(Integration.ID)
    case whitelistDiff(Integration.ID, from: Int, to: Int)
    case whitelistScopes(Integration.ID)
    case whitelistDeveloperKey(Integration.ID)
    case answers(Integration.ID, String)
    case answerMarks(Integration.ID, String)
    case answerEvidence(Integration.ID, String)
    case evidence(Integration.ID, EvidenceDocument.ID)
    case vendorLinks(Integration.ID)
    case revokeVendorLink(Integration.ID, VendorLink.ID)
    case integrationReviews(Integration.ID)
    case review(Review.ID)
    case reviewFindings(Review.ID)
    case reviewFinding(Review.ID, Finding.ID)
    case reviewDecision(Review.ID)
    case respond(String)
    case reports
    case integrationLTI(Integration.ID)
    case hecvat(Integration.ID)
    case exhibitB(Integration.ID)
    case exhibitBCSV(Integration.ID)
    case exports
    case exportDownload
    case reportPacket(Vendor.ID)
    case reportPortfolio
    case reportRenewals
    case reportHygiene
    case inheritedKeys
    case newInheritedKey
    case inheritedKey(InheritedKey.ID)
    case editInheritedKey(InheritedKey.ID)
    case tokenRegister
    case tokenRegisterImport
    case revokeRegisteredToken(RegisteredToken.ID)
    case acceptWhitelist(Integration.ID)
    case integrationReleases(Integration.ID)
    case release(KeyRelease.ID)
    case releaseVerify(KeyRelease.ID)
    case releaseResend(KeyRelease.ID)
    case releaseActions(KeyRelease.ID)
    case respondQuestionnaire(String, String)
    case respondEvidence(String, String)
    case respondSubmit(String)
    case drift
    case driftScan(DriftScan.ID)
    case driftJob(DriftJob.ID)
    case integrationLogIdentity(Integration.ID)
    case canvas
    case canvasSyncs
    case canvasSync(CanvasSync.ID)
    case canvasWrites
    case canvasWritePerform(CanvasWrite.ID)
    case canvasWriteDismiss(CanvasWrite.ID)
    case mailRequeue(QueuedMail.ID)
    case canvasStart
    /// A new integration under a vendor, its name and kind filled in from a Canvas object.
    case newIntegrationFrom(Vendor.ID, name: String, kind: String)

    var path: String {
        switch self {
        case .home: return PagePath.home.path()
        case let .login(next):
            return PagePath.login.path() + (next.map { Self.queryString(["next": $0]) } ?? "")
        case .logout: return PagePath.logout.path()
        case .loginCode: return PagePath.loginCode.path()
        case let .openIDStart(next): return PagePath.openIDStart.path() + (next.map { Self.queryString(["next": $0]) } ?? "")
        case .openIDCallback: return PagePath.openIDCallback.path()
        case .accountFactor: return PagePath.accountFactor.path()
        case .replaceFactor: return PagePath.replaceFactor.path()
        case let .userFactorReset(id): return PagePath.userFactorReset.path(id.description)
        case let .publicList(account): return PagePath.publicList.path() + (account.map { Self.queryString(["account": $0]) } ?? "")
        case let .vendors(query): return PagePath.vendors.path() + Self.queryString(query)
        case .newVendor: return PagePath.newVendor.path()
        case let .vendor(id): return PagePath.vendor.path(id.description)
        case let .editVendor(id): return PagePath.editVendor.path(id.description)
        case .users: return PagePath.users.path()
        case .newUser: return PagePath.newUser.path()
        case let .editUser(id): return PagePath.editUser.path(id.description)
        case let .user(id): return PagePath.user.path(id.description)
        case .tokens: return PagePath.tokens.path()
        case let .revokeToken(id): return PagePath.revokeToken.path(id.description)
        case let .audit(query): return PagePath.audit.path() + Self.queryString(query)
        case let .integrations(query): return PagePath.integrations.path() + Self.queryString(query)
        case .catalog: return PagePath.catalog.path()
        case .catalogImport: return PagePath.catalogImport.path()
        case .questionnaires: return PagePath.questionnaires.path()
        case let .contracts(query): return PagePath.contracts.path() + Self.queryString(query)
        case let .newContract(id): return PagePath.newContract.path(id.description)
        case let .vendorContracts(id): return PagePath.vendorContracts.path(id.description)
        case let .contract(id): return PagePath.contract.path(id.description)
        case let .editContract(id): return PagePath.editContract.path(id.description)
        case let .contractDocuments(id): return PagePath.contractDocuments.path(id.description)
        case let .contractDocument(id, doc): return PagePath.contractDocument.path(id.description, doc.description)
        case let .vendorIntegrations(id): return PagePath.vendorIntegrations.path(id.description)
        case let .newIntegration(id): return PagePath.newIntegration.path(id.description)
        case let .integration(id): return PagePath.integration.path(id.description)
        case let .editIntegration(id): return PagePath.editIntegration.path(id.description)
        case let .integrationActions(id): return PagePath.integrationActions.path(id.description)
        case let .whitelist(id): return PagePath.whitelist.path(id.description)
        case let .whitelistDiff(id, from, to): return PagePath.whitelistDiff.path(id.description) + Self.queryString(["from": String(from), "to": String(to)])
        case let .whitelistScopes(id): return PagePath.whitelistScopes.path(id.description)
        case let .whitelistDeveloperKey(id): return PagePath.whitelistDeveloperKey.path(id.description)
        case let .answers(id, q): return PagePath.answers.path(id.description, q)
        case let .answerMarks(id, q): return PagePath.answerMarks.path(id.description, q)
        case let .answerEvidence(id, q): return PagePath.answerEvidence.path(id.description, q)
        case let .evidence(id, doc): return PagePath.evidence.path(id.description, doc.description)
        case let .vendorLinks(id): return PagePath.vendorLinks.path(id.description)
        case let .revokeVendorLink(id, link): return PagePath.revokeVendorLink.path(id.description, link.description)
        case let .integrationReviews(id): return PagePath.integrationReviews.path(id.description)
        case let .review(id): return PagePath.review.path(id.description)
        case let .reviewFindings(id): return PagePath.reviewFindings.path(id.description)
        case let .reviewFinding(id, finding): return PagePath.reviewFinding.path(id.description, finding.description)
        case let .reviewDecision(id): return PagePath.reviewDecision.path(id.description)
        case let .acceptWhitelist(id): return PagePath.acceptWhitelist.path(id.description)
        case let .integrationReleases(id): return PagePath.integrationReleases.path(id.description)
        case let .release(id): return PagePath.release.path(id.description)
        case let .releaseVerify(id): return PagePath.releaseVerify.path(id.description)
        case let .releaseResend(id): return PagePath.releaseResend.path(id.description)
        case let .releaseActions(id): return PagePath.releaseActions.path(id.description)
        case .inheritedKeys: return PagePath.inheritedKeys.path()
        case .newInheritedKey: return PagePath.newInheritedKey.path()
        case let .inheritedKey(id): return PagePath.inheritedKey.path(id.description)
        case let .editInheritedKey(id): return PagePath.editInheritedKey.path(id.description)
        case .tokenRegister: return PagePath.tokenRegister.path()
        case .tokenRegisterImport: return PagePath.tokenRegisterImport.path()
        case let .revokeRegisteredToken(id): return PagePath.revokeRegisteredToken.path(id.description)
        case .reports: return PagePath.reports.path()
        case let .integrationLTI(id): return PagePath.integrationLTI.path(id.description)
        case let .hecvat(id): return PagePath.integrationHECVAT.path(id.description)
        case let .exhibitB(id): return PagePath.exhibitB.path(id.description)
        case let .exhibitBCSV(id): return PagePath.exhibitBCSV.path(id.description)
        case .exports: return PagePath.exports.path()
        case .exportDownload: return PagePath.exportDownload.path()
        case let .reportPacket(id): return PagePath.reportPacket.path(id.description)
        case .reportPortfolio: return PagePath.reportPortfolio.path()
        case .reportRenewals: return PagePath.reportRenewals.path()
        case .reportHygiene: return PagePath.reportHygiene.path()
        case .canvas: return PagePath.canvas.path()
        case .canvasSyncs: return PagePath.canvasSyncs.path()
        case let .canvasSync(id): return PagePath.canvasSync.path(id.description)
        case .canvasWrites: return PagePath.canvasWrites.path()
        case let .canvasWritePerform(id): return PagePath.canvasWritePerform.path(id.description)
        case let .canvasWriteDismiss(id): return PagePath.canvasWriteDismiss.path(id.description)
        case let .mailRequeue(id): return PagePath.mailRequeue.path(id.description)
        case .canvasStart: return PagePath.canvasStart.path()
        case let .newIntegrationFrom(id, name, kind):
            return PagePath.newIntegration.path(id.description) + Self.queryString(["name": name, "kind": kind, "from": "canvas"])
        case .drift: return PagePath.drift.path()
        case let .driftScan(id): return PagePath.driftScan.path(id.description)
        case let .driftJob(id): return PagePath.driftJob.path(id.description)
        case let .integrationLogIdentity(id): return PagePath.integrationLogIdentity.path(id.description)
        case let .respond(secret): return PagePath.respond.path(secret)
        case let .respondQuestionnaire(secret, q): return PagePath.respondQuestionnaire.path(secret, q)
        case let .respondEvidence(secret, q): return PagePath.respondEvidence.path(secret, q)
        case let .respondSubmit(secret): return PagePath.respondSubmit.path(secret)
        }
    }

    /// The page that fixes a gate item, for someone who may edit; anyone else (reviewers,
    /// procurement, auditors) is sent to the page that shows the item, never to a 403.
    static func link(_ fix: GateFix?, for role: Role?) -> String? {
        guard let fix else { return nil }
        if Access.editors.allows(role) { return link(fix) }
        switch fix {
        case let .editVendor(id), let .newContract(id): return SiteURL.vendor(id).path
        case let .editIntegration(id): return SiteURL.integration(id).path
        default: return link(fix)
        }
    }

    /// The page a work-queue item leads to; every role that sees the item may read it.
    static func link(_ target: QueueTarget) -> String {
        switch target {
        case let .integration(id): SiteURL.integration(id).path
        case let .release(id): SiteURL.release(id).path
        case let .review(id): SiteURL.review(id).path
        case let .answers(id, q): SiteURL.answers(id, q).path
        case let .whitelist(id): SiteURL.whitelist(id).path
        }
    }

    /// The page that fixes a gate item or shows a reminder's subject.
    static func link(_ fix: GateFix?) -> String? {
        guard let fix else { return nil }
        switch fix {
        case let .status(id): return SiteURL.integration(id).path + "#status"
        case let .editVendor(id): return SiteURL.editVendor(id).path
        case let .newContract(id): return SiteURL.newContract(id).path
        case let .contract(id): return SiteURL.contract(id).path
        case let .editIntegration(id): return SiteURL.editIntegration(id).path
        case let .whitelist(id): return SiteURL.whitelist(id).path
        case let .questionnaire(id, q): return SiteURL.answers(id, q).path
        case let .reviews(id): return SiteURL.integration(id).path + "#reviews"
        case let .hecvat(id): return SiteURL.hecvat(id).path
        case let .review(id): return SiteURL.review(id).path
        }
    }

    static func queryString(_ items: [String: String]) -> String {
        let present = items.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if present.isEmpty { return "" }
        var components = URLComponents()
        components.queryItems = present.map { URLQueryItem(name: $0.key, value: $0.value) }
        // URLComponents leaves "+" alone, which form decoding would read as a space.
        return "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }

    /// Only same-site paths made of safe characters are followed after login, so `next` cannot send
    /// people elsewhere: no scheme, no `//` or `/\\` (another host), no white space or control characters
    /// (browsers drop a tab, so `/\t/evil.example/` would become `//evil.example/`).
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.utf8.count < 500, raw.hasPrefix("/"), !raw.hasPrefix("//"),
              raw.utf8.allSatisfy(safeNextBytes.contains)
        else { return SiteURL.home.path }
        return raw
    }

    /// Letters, digits and the URL characters our own paths and query strings use.
    private static let safeNextBytes: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?=&%+".utf8))
}
