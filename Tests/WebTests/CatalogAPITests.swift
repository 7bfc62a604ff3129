import Domain
import Foundation
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Catalog API")
struct CatalogAPITests {
    func check(_ h: WebHarness, _ query: String, token: String) async throws -> TestingHTTPResponse {
        try await h.app.testing().sendRequest(.GET, "/api/v1/catalog/check?\(query)", headers: bearer(token))
    }

    @Test func theSummaryNamesTheCanvasCommitAndHowKindsWereDecided() async throws {
        try await withWebApp { h in
            let summary = try await h.app.testing().sendRequest(.GET, "/api/v1/catalog", headers: bearer(try await h.token(.procurement)))
            #expect(summary.status == .ok)
            let body = try json(summary)
            #expect((body["canvasCommit"] as? String)?.count == 40)
            #expect((body["shipped"] as? Int ?? 0) > 1300)
            let byPrefix = body["byPrefix"] as? [String: Int] ?? [:]
            #expect((byPrefix["/api/v1/"] ?? 0) > 1200 && (byPrefix["/api/lti/"] ?? 0) > 90 && byPrefix["/api/sis/"] == 3)
            let classification = body["classification"] as? [String: Int] ?? [:]
            #expect((classification["catalog"] ?? 0) > 900 && (classification["derived"] ?? 0) > 300)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/catalog").status == .unauthorized)
        }
    }

    @Test func aPathIsCheckedAndNormalisedToCanvasText() async throws {
        try await withWebApp { h in
            let token = try await h.token(.reviewer)
            let known = try json(try await check(h, "method=get&path=/api/v1/courses/:course_id/late_policy", token: token))
            #expect(known["known"] as? Bool == true)
            #expect(known["renamedParameters"] as? Bool == true)
            let endpoint = known["endpoint"] as? [String: Any] ?? [:]
            #expect(endpoint["template"] as? String == "/api/v1/courses/:id/late_policy")
            #expect(endpoint["scope"] as? String == "url:GET|/api/v1/courses/:id/late_policy")
            #expect(endpoint["handler"] as? String == "late_policy#show")
            #expect((endpoint["routeOrder"] as? Int ?? 0) > 0)

            let lti = try json(try await check(h, "method=POST&path=/api/lti/courses/1/line_items", token: token))
            #expect((lti["endpoint"] as? [String: Any])?["scope"] is NSNull, "LTI services are never url: scopes")

            let typo = try json(try await check(h, "method=GET&path=/api/v1/coures/1/users", token: token))
            #expect(typo["known"] as? Bool == false)
            #expect(typo["endpoint"] is NSNull)
            #expect(((typo["suggestions"] as? [[String: Any]])?.first?["template"] as? String) == "/api/v1/courses/:course_id/users")
        }
    }

    @Test func badQueriesAre422WithFields() async throws {
        try await withWebApp { h in
            let token = try await h.token(.admin)
            let missing = try await check(h, "path=", token: token)
            #expect(missing.status == .unprocessableEntity)
            let fields = (try json(missing)["error"] as? [String: Any])?["fields"] as? [String: String] ?? [:]
            #expect(Set(fields.keys) == ["method", "path"])
            let long = try await check(h, "method=GET&path=/api/v1/" + String(repeating: "a", count: 3_000), token: token)
            #expect(long.status == .unprocessableEntity)
            let verb = try json(try await check(h, "method=FETCH&path=/api/v1/courses", token: token))
            #expect((verb["reason"] as? String)?.contains("not an HTTP method") == true)
        }
    }
}
