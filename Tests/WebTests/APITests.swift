import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("JSON API")
struct APITests {
    func error(_ response: TestingHTTPResponse) throws -> (code: String?, fields: [String: String]) {
        let detail = try json(response)["error"] as? [String: Any]
        return (detail?["code"] as? String, detail?["fields"] as? [String: String] ?? [:])
    }

    @Test func requestsWithoutAUsableTokenAre401JSON() async throws {
        try await withWebApp { h in
            let none = try await h.app.testing().sendRequest(.GET, "/api/v1/vendors")
            #expect(none.status == .unauthorized)
            #expect(try error(none).code == "unauthorized")
            #expect(none.headers.first(name: .wwwAuthenticate) == "Bearer")
            let wrong = try await h.app.testing().sendRequest(.GET, "/api/v1/vendors", headers: bearer("vr_not-a-real-token"))
            #expect(wrong.status == .unauthorized)
            // A signed-in browser session is not an API credential.
            let browser = try await h.signedIn(.admin)
            let withCookie = try await browser.get("/api/v1/vendors")
            #expect(withCookie.status == .unauthorized)
        }
    }

    @Test func expiredAndRevokedTokensStopWorking() async throws {
        try await withWebApp { h in
            let token = try await h.token(.reviewer, days: 1)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(token)).status == .ok)
            h.clock.advance(by: 86_400)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(token)).status == .unauthorized)

            let second = try await h.token(.reviewer, days: 10)
            let stored = try await h.app.store.tokens.find(hash: TokenSecret.hash(second))!
            try await h.app.store.tokens.revoke(stored.id, userID: h.user(.reviewer).id, by: .commandLine, at: h.clock.now)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(second)).status == .unauthorized)
        }
    }

    @Test func tokensCarryTheirOwnersRole() async throws {
        try await withWebApp { h in
            let me = try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(try await h.token(.procurement)))
            #expect(try json(me)["role"] as? String == "procurement")
            let denied = try await h.app.testing().sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(try await h.token(.procurement)),
                                                               body: try jsonBody(["name": "Nope"]))
            #expect(denied.status == .forbidden)
            #expect(try error(denied).code == "forbidden")
        }
    }

    @Test(arguments: TestEngine.available)
    func adminsCreateReadListAndPatchVendors(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let token = try await h.token(.admin)
            let created = try await h.app.testing().sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(token),
                body: try jsonBody(["name": "Meridian Analytics", "website": "https://meridian.example", "standing": "prospective",
                                    "privacyPolicyURL": "https://meridian.example/privacy"]))
            #expect(created.status == .created)
            let body = try json(created)
            #expect(body["privacyPolicyURL"] as? String == "https://meridian.example/privacy")
            let id = try #require(body["id"] as? String)
            #expect(created.location == "/api/v1/vendors/\(id)")
            #expect(body["version"] as? Int == 1)

            let list = try await h.app.testing().sendRequest(.GET, "/api/v1/vendors?q=meridian&per_page=5", headers: bearer(token))
            let listed = try json(list)
            #expect(listed["total"] as? Int == 1)
            #expect(listed["perPage"] as? Int == 5)

            let patched = try await h.app.testing().sendRequest(.PATCH, "/api/v1/vendors/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["standing": "suspended", "version": 1]))
            #expect(patched.status == .ok)
            let after = try json(patched)
            #expect(after["standing"] as? String == "suspended")
            #expect(after["website"] as? String == "https://meridian.example", "absent fields keep their value")
            #expect(after["privacyPolicyURL"] as? String == "https://meridian.example/privacy")
            #expect(after["version"] as? Int == 2)

            let badPolicy = try await h.app.testing().sendRequest(.PATCH, "/api/v1/vendors/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["privacyPolicyURL": "javascript:alert(1)", "version": 2]))
            #expect(badPolicy.status == .unprocessableEntity)
            #expect(try error(badPolicy).fields["privacyPolicyURL"] != nil)

            let stale = try await h.app.testing().sendRequest(.PATCH, "/api/v1/vendors/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["notes": "late", "version": 1]))
            #expect(stale.status == .conflict)
            #expect(try error(stale).code == "conflict")
            let show = try await h.app.testing().sendRequest(.GET, "/api/v1/vendors/\(id)", headers: bearer(token))
            #expect(try json(show)["notes"] is NSNull)

            let audit = try await h.app.store.audit.list(AuditQuery(entityID: id))
            #expect(audit.items.map(\.action) == ["update", "create"])
            #expect(audit.items.allSatisfy { $0.actorLabel == "admin@northfield.example (admin)" })
        }
    }

    /// A path that is routed, asked with a method it is not routed for, is 405 with the methods it takes;
    /// a path nobody routes stays 404, and an unknown record on a routed path stays 404 too.
    @Test func wrongMethodsAre405WithAllow() async throws {
        try await withWebApp { h in
            let token = try await h.token(.admin)
            let trace = try await h.app.testing().sendRequest(.TRACE, "/api/v1/me", headers: bearer(token))
            #expect(trace.status == .methodNotAllowed && trace.headers.first(name: .allow) == "GET, HEAD")
            #expect((try json(trace)["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
            let delete = try await h.app.testing().sendRequest(.DELETE, "/api/v1/vendors", headers: bearer(token))
            #expect(delete.status == .methodNotAllowed && delete.headers.first(name: .allow) == "GET, HEAD, POST")
            let page = try await (try await h.signedIn(.admin)).get("/vendors/new")
            #expect(page.status == .ok)
            let put = try await h.app.testing().sendRequest(.PUT, "/login")
            #expect(put.status == .methodNotAllowed && put.headers.first(name: .allow)?.contains("POST") == true && put.text.contains("405"))
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/nothing-here", headers: bearer(token)).status == .notFound)
            #expect(try await h.app.testing().sendRequest(.DELETE, "/nothing/here").status == .notFound)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/vendors/\(UUID())", headers: bearer(token)).status == .notFound)
        }
    }

    /// Query values the OpenAPI file does not allow are refused, never silently ignored.
    @Test func listAndDiffParametersOutsideTheSpecAre422() async throws {
        try await withWebApp { h in
            let token = try await h.token(.reviewer)
            for path in ["/api/v1/integrations?vendor=", "/api/v1/contracts?vendor=", "/api/v1/contracts?vendor=not-a-uuid", "/api/v1/vendors?per_page=101",
                         "/api/v1/integrations?page=0", "/api/v1/integrations/\(UUID())/whitelist/diff?to=null"] {
                let response = try await h.app.testing().sendRequest(.GET, path, headers: bearer(token))
                #expect(response.status == .unprocessableEntity || (path.contains("diff") && response.status == .notFound), "\(path): \(response.status)")
            }
            let integration = try await makeReady(h)
            let diff = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/whitelist/diff?to=null", headers: bearer(token))
            #expect(diff.status == .unprocessableEntity && diff.text.contains("to must be a version number"))
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/whitelist/diff?from=0&to=1", headers: bearer(token)).status == .ok)
        }
    }

    @Test func badInputIsAJSONErrorWithFields() async throws {
        try await withWebApp { h in
            let token = try await h.token(.admin)
            let invalid = try await h.app.testing().sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(token),
                body: try jsonBody(["name": "", "securityContactEmail": "nope", "standing": "great"]))
            #expect(invalid.status == .unprocessableEntity)
            let detail = try error(invalid)
            #expect(detail.code == "validation_failed")
            #expect(Set(detail.fields.keys) == ["name", "securityContactEmail", "standing"])

            let malformed = try await h.app.testing().sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(token),
                body: ByteBuffer(string: "{\"name\": "))
            #expect(malformed.status == .badRequest)
            #expect(try error(malformed).code == "bad_request")
            // No body at all: said as such, not as a bare "Unprocessable Entity".
            let empty = try await h.app.testing().sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(token))
            #expect(empty.status == .unprocessableEntity)
            #expect(try error(empty).code == "body_missing")
            #expect((try json(empty)["error"] as? [String: Any])?["message"] as? String == "The request has no body to read. Send the fields as the API description says.")

            let missingVersion = try await h.app.testing().sendRequest(.PATCH, "/api/v1/vendors/\(UUID())", headers: jsonHeaders(token),
                body: try jsonBody(["name": "x"]))
            #expect(missingVersion.status == .notFound)

            let badFilter = try await h.app.testing().sendRequest(.GET, "/api/v1/vendors?standing=friendly", headers: bearer(token))
            #expect(badFilter.status == .unprocessableEntity)
            #expect(try await h.app.store.vendors.list(VendorQuery()).total == 0)
        }
    }

    @Test func theOpenAPIFileDescribesExactlyTheRoutes() async throws {
        try await withWebApp { h in
            let response = try await h.app.testing().sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            let documented = OpenAPIPaths.operations(in: response.text)
            let routes = Set(h.app.routeSpecs.filter { $0.kind == .api && $0.path.hasPrefix("api/") }.map {
                "\($0.method.rawValue) /" + $0.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            })
            #expect(!routes.isEmpty)
            #expect(documented == routes, "documented but not routed: \(documented.subtracting(routes)); routed but not documented: \(routes.subtracting(documented))")
        }
    }
}

/// Reads the operations ("GET /api/v1/vendors") out of an OpenAPI YAML document's `paths`.
enum OpenAPIPaths {
    static func operations(in yaml: String) -> Set<String> {
        var result = Set<String>()
        var inPaths = false
        var current: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
            } else if let current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
                if ["get", "post", "put", "patch", "delete"].contains(key) { result.insert("\(key.uppercased()) \(current)") }
            }
        }
        return result
    }
}

@Suite("API tokens in the UI")
struct TokenPageTests {
    @Test(arguments: TestEngine.available)
    func aTokenIsShownOnceListedAndRevocable(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let browser = try await h.signedIn(.auditor)
            let created = try await browser.post("/account/tokens", form: ["purpose": "Quarterly export script", "expiresInDays": "30"],
                                                 csrfFrom: "/account/tokens")
            // Post, redirect, get: the value is on the page the redirect lands on, once.
            #expect(created.status == .seeOther && created.location == "/account/tokens")
            let shown = try await browser.get("/account/tokens")
            let range = try #require(shown.text.range(of: #"vr_[A-Za-z0-9_-]{43}"#, options: .regularExpression))
            let secret = String(shown.text[range])
            let stored = try await h.app.store.tokens.list(userID: h.user(.auditor).id)
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash == TokenSecret.hash(secret))
            #expect(stored[0].purpose == "Quarterly export script")

            let me = try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(secret))
            #expect(try json(me)["email"] as? String == "auditor@northfield.example")

            let list = try await browser.get("/account/tokens")
            #expect(!list.text.contains(secret), "never shown again")
            #expect(list.text.contains("Quarterly export script"))
            #expect(list.text.contains(">active<"))
            #expect(!list.text.contains(">never<"), "last use is recorded")

            let revoked = try await browser.post("/account/tokens/\(stored[0].id)/revoke", form: [:], csrfFrom: "/account/tokens")
            #expect(revoked.status == .seeOther)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(secret)).status == .unauthorized)
            #expect(try await browser.get("/account/tokens").text.contains(">revoked<"))
        }
    }

    @Test func purposeAndExpiryAreRequired() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.reviewer)
            let response = try await browser.post("/account/tokens", form: ["purpose": "", "expiresInDays": "400"], csrfFrom: "/account/tokens")
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Purpose is required."))
            #expect(response.text.contains("Expiry must be from 1 to 365 days."))
            #expect(try await h.app.store.tokens.list(userID: h.user(.reviewer).id).isEmpty)
        }
    }

    @Test func nobodyRevokesSomeoneElsesToken() async throws {
        try await withWebApp { h in
            _ = try await h.token(.admin)
            let adminToken = try await h.app.store.tokens.list(userID: h.user(.admin).id)[0]
            let browser = try await h.signedIn(.reviewer)
            let response = try await browser.post("/account/tokens/\(adminToken.id)/revoke", form: [:], csrfFrom: "/account/tokens")
            #expect(response.status == .notFound)
            #expect(try await h.app.store.tokens.list(userID: h.user(.admin).id)[0].revokedAt == nil)
        }
    }
}

@Suite("User administration")
struct UserAdminTests {
    @Test func adminCreatesChangesAndDeactivatesUsers() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let weak = try await browser.post("/users", form: ["email": "new@northfield.example", "name": "New", "role": "reviewer", "password": "short"],
                                              csrfFrom: "/users/new")
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.text.contains("Password must be at least 12 characters."))
            #expect(!weak.text.contains("value=\"short\""), "passwords are never echoed")

            let duplicate = try await browser.post("/users", form: ["email": "reviewer@northfield.example", "name": "Again", "role": "reviewer",
                                                                    "password": "a long enough passphrase"], csrfFrom: "/users/new")
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.text.contains("An account with this e-mail already exists."))

            let created = try await browser.post("/users", form: ["email": "Nia@Northfield.example", "name": "Nia Privacy", "role": "reviewer",
                                                                  "password": "a long enough passphrase"], csrfFrom: "/users/new")
            #expect(created.status == .seeOther)
            let nia = try #require(try await h.app.store.users.find(email: "nia@northfield.example"))
            #expect(nia.role == .reviewer)

            let changed = try await browser.post("/users/\(nia.id)", form: ["name": "Nia Privacy", "role": "auditor", "version": "1"],
                                                 csrfFrom: "/users/\(nia.id)/edit")
            #expect(changed.status == .seeOther)
            let after = try await h.app.store.users.find(nia.id)
            #expect(after?.role == .auditor)
            #expect(after?.isActive == false, "an unticked Active box deactivates")
            #expect(try await browser.get("/users").text.contains("deactivated"))
            #expect(try await TestBrowser(app: h.app).login(email: "nia@northfield.example", password: "a long enough passphrase").status == .unauthorized)
        }
    }

    @Test func adminsCannotLockThemselvesOut() async throws {
        try await withWebApp { h in
            let me = h.user(.admin)
            let browser = try await h.signedIn(.admin)
            let response = try await browser.post("/users/\(me.id)", form: ["name": me.name, "role": "auditor", "isActive": "on", "version": "1"],
                                                  csrfFrom: "/users/\(me.id)/edit")
            #expect(response.status == .unprocessableEntity)
            #expect(try await h.app.store.users.find(me.id)?.role == .admin)
        }
    }

    @Test func auditPageFiltersAndRejectsBadDates() async throws {
        try await withWebApp { h in
            _ = try await h.app.store.vendors.create(VendorFields(name: "Filter Me"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.auditor)
            let vendorsOnly = try await browser.get("/audit?entityType=vendor")
            #expect(vendorsOnly.text.contains("Filter Me — Created"))
            #expect(!vendorsOnly.text.contains("created with role"))
            let users = try await browser.get("/audit?entityType=user")
            #expect(users.text.contains("created with role"))
            let bad = try await browser.get("/audit?from=yesterday")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Dates must look like 2026-11-23."))
            let dashboard = try await browser.get("/")
            #expect(dashboard.text.contains("Recent changes"))
        }
    }
}
