import Domain
import Foundation
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

    @Test func anAdminImportsAFileAndTheWhitelistAcceptsTheNewEndpoint() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            try await browser.get("/catalog")
            let imported = try await browser.postMultipart("/catalog/import", csrf: browser.lastCSRF!, filename: "northfield-scopes.json", bytes: Array(Self.scopes.utf8))
            #expect(imported.status == .seeOther)
            let page = try await browser.get("/catalog")
            #expect(page.text.contains("Imported 1 new endpoint(s); 1 already known; 0 item(s) skipped."))
            #expect(page.text.contains("/api/v1/courses/:course_id/smart_things"))

            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Smart Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let integration = try await h.app.store.integrations.create(
                IntegrationFields(name: "Smart", kind: .apiDeveloperKey, installLevel: .course, purpose: "p", classification: .internal),
                vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let path = "/integrations/\(integration.id)/whitelist"
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
}
