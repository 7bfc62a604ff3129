import Domain
import Foundation

/// Links to pages, built in one place. Route patterns in `routes.swift` use the same segments.
enum SiteURL {
    case home
    case login(next: String? = nil)
    case logout
    case vendors(query: [String: String] = [:])
    case newVendor
    case vendor(Vendor.ID)
    case editVendor(Vendor.ID)
    case users
    case newUser
    case editUser(User.ID)
    case tokens
    case revokeToken(ApiToken.ID)
    case audit(query: [String: String] = [:])
    case integrations(query: [String: String] = [:])
    case catalog
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
    case integrationLogIdentity(Integration.ID)

    var path: String {
        switch self {
        case .home: return "/"
        case let .login(next):
            guard let next else { return "/login" }
            return "/login" + Self.queryString(["next": next])
        case .logout: return "/logout"
        case let .vendors(query): return "/vendors" + Self.queryString(query)
        case .newVendor: return "/vendors/new"
        case let .vendor(id): return "/vendors/\(id)"
        case let .editVendor(id): return "/vendors/\(id)/edit"
        case .users: return "/users"
        case .newUser: return "/users/new"
        case let .editUser(id): return "/users/\(id)/edit"
        case .tokens: return "/account/tokens"
        case let .revokeToken(id): return "/account/tokens/\(id)/revoke"
        case let .audit(query): return "/audit" + Self.queryString(query)
        case let .integrations(query): return "/integrations" + Self.queryString(query)
        case .catalog: return "/catalog"
        case .questionnaires: return "/questionnaires"
        case let .contracts(query): return "/contracts" + Self.queryString(query)
        case let .newContract(id): return "/vendors/\(id)/contracts/new"
        case let .vendorContracts(id): return "/vendors/\(id)/contracts"
        case let .contract(id): return "/contracts/\(id)"
        case let .editContract(id): return "/contracts/\(id)/edit"
        case let .contractDocuments(id): return "/contracts/\(id)/documents"
        case let .contractDocument(id, doc): return "/contracts/\(id)/documents/\(doc)"
        case let .vendorIntegrations(id): return "/vendors/\(id)/integrations"
        case let .newIntegration(id): return "/vendors/\(id)/integrations/new"
        case let .integration(id): return "/integrations/\(id)"
        case let .editIntegration(id): return "/integrations/\(id)/edit"
        case let .integrationActions(id): return "/integrations/\(id)/actions"
        case let .whitelist(id): return "/integrations/\(id)/whitelist"
        case let .whitelistDiff(id, from, to): return "/integrations/\(id)/whitelist/diff" + Self.queryString(["from": String(from), "to": String(to)])
        case let .whitelistScopes(id): return "/integrations/\(id)/whitelist/scopes.txt"
        case let .whitelistDeveloperKey(id): return "/integrations/\(id)/whitelist/developer-key.json"
        case let .answers(id, q): return "/integrations/\(id)/questionnaires/\(Self.segment(q))"
        case let .answerMarks(id, q): return "/integrations/\(id)/questionnaires/\(Self.segment(q))/marks"
        case let .answerEvidence(id, q): return "/integrations/\(id)/questionnaires/\(Self.segment(q))/evidence"
        case let .evidence(id, doc): return "/integrations/\(id)/evidence/\(doc)"
        case let .vendorLinks(id): return "/integrations/\(id)/links"
        case let .revokeVendorLink(id, link): return "/integrations/\(id)/links/\(link)/revoke"
        case let .integrationReviews(id): return "/integrations/\(id)/reviews"
        case let .review(id): return "/reviews/\(id)"
        case let .reviewFindings(id): return "/reviews/\(id)/findings"
        case let .reviewFinding(id, finding): return "/reviews/\(id)/findings/\(finding)"
        case let .reviewDecision(id): return "/reviews/\(id)/decision"
        case let .acceptWhitelist(id): return "/integrations/\(id)/whitelist/accept"
        case let .integrationReleases(id): return "/integrations/\(id)/releases"
        case let .release(id): return "/releases/\(id)"
        case let .releaseVerify(id): return "/releases/\(id)/verify"
        case let .releaseResend(id): return "/releases/\(id)/resend"
        case let .releaseActions(id): return "/releases/\(id)/actions"
        case .inheritedKeys: return "/inherited-keys"
        case .newInheritedKey: return "/inherited-keys/new"
        case let .inheritedKey(id): return "/inherited-keys/\(id)"
        case let .editInheritedKey(id): return "/inherited-keys/\(id)/edit"
        case .tokenRegister: return "/token-register"
        case .tokenRegisterImport: return "/token-register/import"
        case let .revokeRegisteredToken(id): return "/token-register/\(id)/revoke"
        case .reports: return "/reports"
        case let .integrationLTI(id): return "/integrations/\(id)/lti"
        case .exports: return "/exports"
        case .exportDownload: return "/exports/download"
        case let .reportPacket(id): return "/reports/vendors/\(id)"
        case .reportPortfolio: return "/reports/portfolio"
        case .reportRenewals: return "/reports/renewals"
        case .reportHygiene: return "/reports/hygiene"
        case .drift: return "/drift"
        case let .driftScan(id): return "/drift/\(id)"
        case let .integrationLogIdentity(id): return "/integrations/\(id)/log-identity"
        case let .respond(secret): return "/respond/\(Self.segment(secret))"
        case let .respondQuestionnaire(secret, q): return "/respond/\(Self.segment(secret))/\(Self.segment(q))"
        case let .respondEvidence(secret, q): return "/respond/\(Self.segment(secret))/\(Self.segment(q))/evidence"
        case let .respondSubmit(secret): return "/respond/\(Self.segment(secret))/submit"
        }
    }

    /// The page that fixes a gate item or shows a reminder's subject.
    static func link(_ fix: GateFix?) -> String? {
        guard let fix else { return nil }
        switch fix {
        case let .editVendor(id): return SiteURL.editVendor(id).path
        case let .newContract(id): return SiteURL.newContract(id).path
        case let .contract(id): return SiteURL.contract(id).path
        case let .editIntegration(id): return SiteURL.editIntegration(id).path
        case let .whitelist(id): return SiteURL.whitelist(id).path
        case let .questionnaire(id, q): return SiteURL.answers(id, q).path
        case let .reviews(id): return SiteURL.integration(id).path + "#reviews"
        case let .review(id): return SiteURL.review(id).path
        }
    }

    /// A path segment from a value that is not an id (questionnaire ids, link secrets).
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
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
