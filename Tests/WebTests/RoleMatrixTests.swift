import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Walks every registered route (from the same table that registers them) for every role and for
/// an anonymous visitor, and checks the answer against the route's declared access.
@Suite("Role matrix")
struct RoleMatrixTests {
    @Test func everyRouteAnswersEveryRoleAsDeclared() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(
                VendorFields(name: "Matrix Vendor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let integration = try await h.app.store.integrations.create(
                IntegrationFields(name: "Matrix Integration", kind: .lti13, installLevel: .course, purpose: "Matrix", classification: .internal),
                vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/modules", justification: "modules", group: "Modules", kinds: [.courseContent])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            let contract = try await h.app.store.contracts.create(
                ContractFields(title: "Matrix contract", kind: .orderForm, status: .draft), vendorID: vendor.id, id: .init(UUID()),
                by: .commandLine, at: h.clock.now)
            let pdf = Array("%PDF-1.4 matrix".utf8)
            let document = ContractDocument(id: .init(UUID()), contractID: contract.id, filename: "m.pdf", type: .pdf, size: pdf.count,
                                            sha256: DocumentCheck.sha256(pdf), uploadedBy: "test", uploadedAt: h.clock.now)
            try await h.app.store.contracts.attach(document, bytes: pdf, by: .commandLine)
            let reviewer = h.user(.reviewer)
            let review = try await h.app.store.reviews.create(ReviewFields(reviewerID: reviewer.id, scope: "matrix"), kind: .security,
                                                              integration: integration.id, id: .init(UUID()), supersedes: nil, by: .commandLine, at: h.clock.now)
            let finding = try await h.app.store.reviews.addFinding(FindingFields(title: "m", description: "", severity: .low), to: review.id,
                                                                   id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let link = try await h.app.store.vendorLinks.create(VendorLinkFields(contactName: "M", contactEmail: "m@vendor.example"),
                                                                integration: integration.id, id: .init(UUID()), secretHash: TokenSecret.hash("vl_matrix"),
                                                                hint: "vl_matr…", by: .commandLine, at: h.clock.now)
            let releaseID = KeyRelease.ID(UUID())
            try await h.app.store.releases.create(KeyRelease(
                id: releaseID, integrationID: integration.id, requestedBy: "m", requestedByID: h.user(.admin).id, requestedByEmail: "admin@northfield.example",
                requestedAt: h.clock.now, codeHash: "x", codeIssuedAt: h.clock.now, whitelistVersion: 1), by: .commandLine)
            let inherited = try await h.app.store.inheritedKeys.create(InheritedKeyFields(name: "m", vendor: "m", state: .on), id: .init(UUID()),
                                                                       by: .commandLine, at: h.clock.now)
            let ids = h.app.context.services.ids
            _ = try await h.app.store.tokenRegister.add([RegisteredTokenFields(holder: "m", role: .staff, createdOn: "2026-01-01")], source: "matrix",
                                                        by: .commandLine, at: h.clock.now, ids: { ids() })
            let registered = try #require(try await h.app.store.tokenRegister.list().first)
            let emptyScan = DriftReport(rows: 0, malformed: 0, malformedSamples: [], attributed: 0, unattributed: 0, ignored: 0, otherKnownKeyRequests: 0,
                                        firstSeen: nil, lastSeen: nil, integrations: [], unknownKeys: [], unknownKeysNotListed: 0, idleKeys: [], findingsNotListed: 0)
            let scan = try await h.app.store.drift.record(emptyScan, files: ["m.csv"], id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let job = try await h.app.operations.driftJobs.submit(upload: Array("timestamp,http_method,url,user_agent\n2026-11-01T00:00:00Z,GET,/api/v1/courses,x\n".utf8), named: "m.csv", by: .commandLine)
            let specs = h.app.routeSpecs
            #expect(specs.count >= 45)
            // Every route Vapor knows was registered through the access-declaring table.
            let declared = Set(specs.map { "\($0.method.rawValue) \($0.path)" })
            for route in h.app.routes.all {
                let path = route.path.map(\.description).joined(separator: "/")
                #expect(declared.contains("\(route.method.rawValue) \(path)"), "\(route.method) \(path) has no declared access")
            }
            var checked = 0
            var links = LinkCollector()
            for spec in specs {
                let path = "/" + spec.path
                    .replacingOccurrences(of: ":vendorID", with: vendor.id.description)
                    .replacingOccurrences(of: ":userID", with: h.user(.reviewer).id.description)
                    .replacingOccurrences(of: ":tokenID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":integrationID", with: integration.id.description)
                    .replacingOccurrences(of: ":contractID", with: contract.id.description)
                    .replacingOccurrences(of: ":documentID", with: document.id.description)
                    .replacingOccurrences(of: ":questionnaireID", with: "ferpa")
                    .replacingOccurrences(of: ":reviewID", with: review.id.description)
                    .replacingOccurrences(of: ":findingID", with: finding.id.description)
                    .replacingOccurrences(of: ":linkID", with: link.id.description)
                    .replacingOccurrences(of: ":secret", with: "vl_matrix")
                    .replacingOccurrences(of: ":releaseID", with: releaseID.description)
                    .replacingOccurrences(of: ":keyID", with: inherited.id.description)
                    .replacingOccurrences(of: ":entryID", with: registered.id.description)
                    .replacingOccurrences(of: ":scanID", with: scan.id.description)
                    .replacingOccurrences(of: ":jobID", with: job.id.description)
                for role in [nil] + Role.allCases.map(Optional.some) {
                    let (status, location, html) = try await answer(h, spec: spec, path: path, role: role)
                    if status == .ok, let html { links.collect(html, from: "\(path) as \(role?.rawValue ?? "anonymous")") }
                    let allowed = spec.access.allows(role)
                    let label = "\(spec.method) \(path) as \(role?.rawValue ?? "anonymous")"
                    if allowed {
                        // Allowed means the handler ran: any answer but 401/403 or a detour to the login form.
                        // Sign-out and the code step (with no password typed first) send anyone to the sign-in page themselves.
                        let toLogin = status == .seeOther && location?.hasPrefix("/login") == true && !["logout", "login/code"].contains(spec.path)
                        #expect(status.code != 401 && status.code != 403 && !toLogin, "\(label) should be allowed, got \(status)")
                    } else if role == nil {
                        let expected = spec.kind == .api ? status == .unauthorized : status == .seeOther && location?.hasPrefix("/login") == true
                        #expect(expected, "\(label) got \(status)")
                    } else {
                        #expect(status == .forbidden, "\(label) should be forbidden, got \(status)")
                    }
                    checked += 1
                }
            }
            #expect(checked == specs.count * 5)
            // Every link and form on every page rendered above goes to a route that is served.
            #expect(links.targets.count > 50, "only \(links.targets.count) links were found")
            for (target, page) in links.targets.sorted(by: { $0.key.path < $1.key.path }) {
                #expect(specs.contains { $0.method == target.method && Self.matches(pattern: $0.path, path: target.path) },
                        "\(target.method) \(target.path) (on \(page)) has no route")
            }
            // And every page path links are built from is registered.
            for path in PagePath.allCases {
                #expect(specs.contains { $0.kind == .page && $0.path == path.rawValue }, "PagePath.\(path) is not registered")
            }
        }
    }

    /// A route pattern ("integrations/:integrationID") against a path ("/integrations/1b…").
    static func matches(pattern: String, path: String) -> Bool {
        let want = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let have = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return want.count == have.count && zip(want, have).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
    }

    /// The status, the redirect target and, for a page, its HTML.
    func answer(_ h: WebHarness, spec: RouteSpec, path: String, role: Role?) async throws -> (HTTPStatus, String?, String?) {
        switch spec.kind {
        case .api:
            var headers = HTTPHeaders()
            if let role { headers = jsonHeaders(try await h.token(role)) }
            let body = spec.method == .GET ? nil : try jsonBody(["name": "API \(UUID())", "version": 1])
            return (try await h.app.testing().sendRequest(spec.method, path, headers: headers, body: body).status, nil, nil)
        case .page:
            let browser = role == nil ? TestBrowser(app: h.app) : try await h.signedIn(role!)
            if spec.method == .GET {
                let response = try await browser.get(path)
                let html = response.headers.contentType?.subType == "html" ? response.text : nil
                return (response.status, response.location, html)
            }
            // Valid CSRF, so only the access rule decides; an empty form then fails validation (422),
            // not authorisation.
            try await browser.get(role == nil ? "/login" : "/")
            let response = try await browser.post(path, form: [:], csrf: browser.lastCSRF ?? "")
            return (response.status, response.location, response.text)
        }
    }
}

/// The same-site links (`href`) and form targets (`action` with its method) of rendered pages.
struct LinkCollector {
    struct Target: Hashable {
        let post: Bool
        let path: String
        var method: HTTPMethod { post ? .POST : .GET }
    }

    /// Each target with the first page it was seen on.
    private(set) var targets: [Target: String] = [:]

    mutating func collect(_ html: String, from page: String) {
        for match in html.matches(of: /<a\s[^>]*href="([^"]*)"/) { add(post: false, String(match.1), page) }
        for match in html.matches(of: /<form\s([^>]*)>/) {
            let attributes = String(match.1)
            guard let action = attributes.firstMatch(of: /action="([^"]*)"/).map({ String($0.1) }) else { continue }
            let post = attributes.range(of: #"method="post""#, options: .caseInsensitive) != nil
            add(post: post, action, page)
        }
    }

    private mutating func add(post: Bool, _ raw: String, _ page: String) {
        let link = raw.replacingOccurrences(of: "&amp;", with: "&")
        guard link.hasPrefix("/"), !link.hasPrefix("//") else { return }
        let path = String(link.prefix { $0 != "?" && $0 != "#" })
        let target = Target(post: post, path: path)
        if targets[target] == nil { targets[target] = page }
    }
}
