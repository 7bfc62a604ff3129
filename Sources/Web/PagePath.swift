import Foundation

/// Every page path the app serves, as the pattern its routes are registered under. `routes.swift`
/// registers pages only by these, and `SiteURL` builds every link and form target from them, so a
/// link cannot point at a path that is not served.
enum PagePath: String, CaseIterable, Sendable {
    case login = "login"
    case logout = "logout"
    case loginCode = "login/code"
    case openIDStart = "auth/oidc"
    case openIDCallback = "auth/oidc/callback"
    case accountFactor = "account/factor"
    case replaceFactor = "account/factor/replace"
    case userFactorReset = "users/:userID/factor/reset"
    case publicList = "approved-tools"
    case home = ""
    case vendors = "vendors"
    case newVendor = "vendors/new"
    case vendor = "vendors/:vendorID"
    case editVendor = "vendors/:vendorID/edit"
    case users = "users"
    case newUser = "users/new"
    case editUser = "users/:userID/edit"
    case user = "users/:userID"
    case tokens = "account/tokens"
    case revokeToken = "account/tokens/:tokenID/revoke"
    case audit = "audit"
    case contracts = "contracts"
    case newContract = "vendors/:vendorID/contracts/new"
    case vendorContracts = "vendors/:vendorID/contracts"
    case contract = "contracts/:contractID"
    case editContract = "contracts/:contractID/edit"
    case contractDocuments = "contracts/:contractID/documents"
    case contractDocument = "contracts/:contractID/documents/:documentID"
    case questionnaires = "questionnaires"
    case catalog = "catalog"
    case catalogImport = "catalog/import"
    case integrations = "integrations"
    case newIntegration = "vendors/:vendorID/integrations/new"
    case vendorIntegrations = "vendors/:vendorID/integrations"
    case integration = "integrations/:integrationID"
    case editIntegration = "integrations/:integrationID/edit"
    case integrationActions = "integrations/:integrationID/actions"
    case whitelist = "integrations/:integrationID/whitelist"
    case whitelistDiff = "integrations/:integrationID/whitelist/diff"
    case whitelistScopes = "integrations/:integrationID/whitelist/scopes.txt"
    case whitelistDeveloperKey = "integrations/:integrationID/whitelist/developer-key.json"
    case answers = "integrations/:integrationID/questionnaires/:questionnaireID"
    case answerMarks = "integrations/:integrationID/questionnaires/:questionnaireID/marks"
    case answerEvidence = "integrations/:integrationID/questionnaires/:questionnaireID/evidence"
    case evidence = "integrations/:integrationID/evidence/:documentID"
    case vendorLinks = "integrations/:integrationID/links"
    case revokeVendorLink = "integrations/:integrationID/links/:linkID/revoke"
    case respond = "respond/:secret"
    case respondSubmit = "respond/:secret/submit"
    case respondQuestionnaire = "respond/:secret/:questionnaireID"
    case respondEvidence = "respond/:secret/:questionnaireID/evidence"
    case integrationReviews = "integrations/:integrationID/reviews"
    case review = "reviews/:reviewID"
    case reviewFindings = "reviews/:reviewID/findings"
    case reviewFinding = "reviews/:reviewID/findings/:findingID"
    case reviewDecision = "reviews/:reviewID/decision"
    case acceptWhitelist = "integrations/:integrationID/whitelist/accept"
    case integrationReleases = "integrations/:integrationID/releases"
    case release = "releases/:releaseID"
    case releaseVerify = "releases/:releaseID/verify"
    case releaseResend = "releases/:releaseID/resend"
    case releaseActions = "releases/:releaseID/actions"
    case reports = "reports"
    case reportPacket = "reports/vendors/:vendorID"
    case reportPortfolio = "reports/portfolio"
    case reportRenewals = "reports/renewals"
    case reportHygiene = "reports/hygiene"
    case integrationLTI = "integrations/:integrationID/lti"
    case integrationHECVAT = "integrations/:integrationID/hecvat"
    case exhibitB = "integrations/:integrationID/exhibit-b"
    case exhibitBCSV = "integrations/:integrationID/exhibit-b.csv"
    case drift = "drift"
    case driftScan = "drift/:scanID"
    case driftJob = "drift/jobs/:jobID"
    case integrationLogIdentity = "integrations/:integrationID/log-identity"
    case canvas = "canvas"
    case canvasSyncs = "canvas/syncs"
    case canvasSync = "canvas/syncs/:syncID"
    case canvasStart = "canvas/start"
    case canvasWrites = "canvas/writes"
    case canvasWritePerform = "canvas/writes/:writeID/perform"
    case canvasWriteDismiss = "canvas/writes/:writeID/dismiss"
    case mailRequeue = "mail/:mailID/requeue"
    case exports = "exports"
    case exportDownload = "exports/download"
    case inheritedKeys = "inherited-keys"
    case newInheritedKey = "inherited-keys/new"
    case editInheritedKey = "inherited-keys/:keyID/edit"
    case inheritedKey = "inherited-keys/:keyID"
    case tokenRegister = "token-register"
    case tokenRegisterImport = "token-register/import"
    case revokeRegisteredToken = "token-register/:entryID/revoke"

    /// The path with each `:parameter` replaced, in order, by one of `values` (percent-encoded).
    func path(_ values: String...) -> String {
        var remaining = values[...]
        var path = ""
        for segment in Self.segments[self] ?? [] {
            path += "/"
            if segment.hasPrefix(":"), let value = remaining.popFirst() { path += Self.segment(value) } else { path += segment }
        }
        precondition(remaining.isEmpty, "\(self) takes \(values.count - remaining.count) values")
        return path.isEmpty ? "/" : path
    }

    /// Each path's segments, split once (pages make dozens of links each).
    private static let segments: [PagePath: [Substring]] = Dictionary(uniqueKeysWithValues: allCases.map {
        ($0, $0.rawValue.split(separator: "/", omittingEmptySubsequences: false))
    })

    /// A path segment from a value that is not an id (questionnaire ids, link secrets): letters, digits, `-`,
    /// `_` and `.` as they are, every other byte of its UTF-8 as `%XX`. (Foundation's `addingPercentEncoding`
    /// builds a character set for every call, which cost a tenth of the review packet's time.)
    static func segment(_ value: String) -> String {
        func plain(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
            default: false
            }
        }
        if value.utf8.allSatisfy(plain) { return value }
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(value.utf8.count * 3)
        for byte in value.utf8 {
            if plain(byte) { encoded.append(byte) } else { encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
