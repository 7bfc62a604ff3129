import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Catalog import")
struct CatalogPageTests {
    static let scopes = """
    [{"resource":"smart","resource_name":"Smart Things","controller":"smart","action":"index","verb":"GET","scope":"url:GET|/api/v1/courses/:course_id/smart_things"},
     {"resource":"courses","resource_name":"Courses","controller":"courses","action":"index","verb":"GET","scope":"url:GET|/api/v1/courses"}]
    """

    /// A developer-key integration of a vendor of its own, to declare endpoints for.
    static func apiIntegration(_ h: WebHarness, _ name: String) async throws -> Integration {
        let vendor = try await h.app.store.vendors.create(VendorFields(name: "\(name) Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
        return try await h.app.store.integrations.create(
            IntegrationFields(name: name, kind: .apiDeveloperKey, installLevel: .course, purpose: "p", classification: .internal),
            vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
    }

    @Test func anAdminImportsAFileAndTheWhitelistAcceptsTheNewEndpoint() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            try await browser.get("/catalog")
            let imported = try await browser.postMultipart("/catalog/import", csrf: browser.lastCSRF!, filename: "northfield-scopes.json", bytes: Array(Self.scopes.utf8))
            #expect(imported.status == .seeOther)
            let page = try await browser.get("/catalog")
            #expect(page.text.contains("Imported 1 new endpoint(s); 1 already known; 0 item(s) skipped."))
            #expect(page.text.contains("/api/v1/courses/:course_id/smart_things"))

            let path = "/integrations/\(try await Self.apiIntegration(h, "Smart").id)/whitelist"
            let saved = try await browser.post(path, form: ["whitelistVersion": "0", "entries": "GET /api/v1/courses/7/smart_things # smart things"], csrfFrom: path)
            #expect(saved.status == .seeOther)
        }
    }

    @Test func pastedJSONWorksAndOtherFilesAreRefusedClearly() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let pasted = try await browser.post("/catalog/import", form: ["json": Self.scopes], csrfFrom: "/catalog")
            #expect(pasted.status == .seeOther)
            try await browser.get("/catalog")
            let wrong = try await browser.postMultipart("/catalog/import", csrf: browser.lastCSRF!, filename: "notes.json", bytes: Array("{\"hello\": 1}".utf8))
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("This file is not the JSON Canvas returns from its scopes API"))
            let empty = try await browser.post("/catalog/import", form: ["json": "  "], csrfFrom: "/catalog")
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Choose the JSON file"))
            #expect(try await h.app.store.catalog.importedEntries().count == 1)
        }
    }

    /// An instance writes a shipped route with other parameter names: its text wins, in the check
    /// and in the saved whitelist, and the page says which shipped route it replaced.
    @Test func anImportedScopeOfAShippedShapeReplacesItsText() async throws {
        let instance = """
        [{"resource":"late_policy","resource_name":"Late Policy","controller":"late_policy","action":"show","verb":"GET","scope":"url:GET|/api/v1/courses/:course_id/late_policy"}]
        """
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let before = try await browser.get("/catalog")
            #expect(before.text.contains("Canvas&#39;s own route table at commit") || before.text.contains("Canvas's own route table at commit"))
            #expect(before.text.contains("derived from the route"))
            let imported = try await browser.post("/catalog/import", form: ["json": instance], csrfFrom: "/catalog")
            #expect(imported.status == .seeOther)
            let page = try await browser.get("/catalog")
            #expect(page.text.contains("Imported 1 new endpoint(s)"))
            #expect(page.text.contains("replaces the shipped <span class=\"mono\">/api/v1/courses/:id/late_policy</span>"))

            let checked = try await h.app.operations.catalog.matcher().match(.GET, "/api/v1/courses/42/late_policy")
            #expect(checked?.template.text == "/api/v1/courses/:course_id/late_policy")
            #expect(checked?.group == "Late Policy" || checked?.kinds.contains(.grades) == true, "the shipped route's annotation stays")
            #expect(try await h.app.operations.catalog.matcher().match(.PATCH, "/api/v1/courses/42/late_policy")?.template.text == "/api/v1/courses/:id/late_policy",
                    "only the method the instance wrote is replaced")

            let integration = try await Self.apiIntegration(h, "Late")
            let path = "/integrations/\(integration.id)/whitelist"
            let saved = try await browser.post(path, form: ["whitelistVersion": "0", "entries": "GET /api/v1/courses/:id/late_policy # shows the late policy"], csrfFrom: path)
            #expect(saved.status == .seeOther)
            let stored = try await h.app.store.integrations.whitelist(integration.id, version: nil)
            #expect(stored?.entries.map(\.scope) == ["url:GET|/api/v1/courses/:course_id/late_policy"])
        }
    }
}

