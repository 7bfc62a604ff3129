import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Vendor pages")
struct VendorPageTests {
    @Test(arguments: TestEngine.available)
    func adminCreatesAVendorAndSeesItInTheAuditTrail(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let browser = try await h.signedIn(.admin)
            let created = try await browser.post("/vendors", form: [
                "name": "Quillstone Learning", "website": "https://quillstone.example", "standing": "good_standing",
                "securityContactEmail": "security@quillstone.example", "notes": "LTI 1.3 tool",
            ], csrfFrom: "/vendors/new")
            #expect(created.status == .seeOther)
            let detail = try await browser.get(created.location!)
            #expect(detail.status == .ok)
            #expect(detail.text.contains("Vendor “Quillstone Learning” created."))
            #expect(detail.text.contains("security@quillstone.example"))
            #expect(detail.text.contains("Good standing"))
            let audit = try await browser.get("/audit?entityType=vendor")
            #expect(audit.text.contains("Quillstone Learning — Created"))
            #expect(audit.text.contains("admin@northfield.example (admin)"))
        }
    }

    @Test func badInputShowsMessagesNextToFieldsWith422AndSavesNothing() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let response = try await browser.post("/vendors", form: [
                "name": "", "website": "quillstone dot example", "securityContactEmail": "nope", "notes": "kept",
            ], csrfFrom: "/vendors/new")
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains(#"<span class="field-error" id="name-error">Name is required.</span>"#))
            #expect(response.text.contains(#"id="website-error""#))
            #expect(response.text.contains(#"id="securityContactEmail-error""#))
            #expect(response.text.contains(#"value="quillstone dot example""#), "what was typed is kept")
            #expect(response.text.contains(">kept</textarea>"))
            #expect(try await h.app.store.vendors.list(VendorQuery()).total == 0)
            #expect(try await h.app.store.audit.list(AuditQuery(entityType: "vendor")).total == 0)
        }
    }

    @Test func duplicateNamesAreRefusedNextToTheNameField() async throws {
        try await withWebApp { h in
            _ = try await h.app.store.vendors.create(VendorFields(name: "Cobalt Check"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.admin)
            let response = try await browser.post("/vendors", form: ["name": "cobalt check"], csrfFrom: "/vendors/new")
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("A vendor named “cobalt check” already exists."))
        }
    }

    @Test(arguments: TestEngine.available)
    func aStaleEditIsRefusedWithAClearConflictAndOverwritesNothing(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Ledgerline"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let alice = try await h.signedIn(.admin)
            let bob = try await h.signedIn(.admin)
            try await alice.get("/vendors/\(vendor.id)/edit")
            let aliceCSRF = alice.lastCSRF!
            let bobSave = try await bob.post("/vendors/\(vendor.id)", form: ["name": "Ledgerline", "standing": "on_notice", "version": "1"],
                                             csrfFrom: "/vendors/\(vendor.id)/edit")
            #expect(bobSave.status == .seeOther)
            let aliceSave = try await alice.post("/vendors/\(vendor.id)", form: ["name": "Ledgerline", "standing": "good_standing", "notes": "Alice", "version": "1"],
                                                 csrf: aliceCSRF)
            #expect(aliceSave.status == .conflict)
            #expect(aliceSave.text.contains("Someone else changed this vendor while you were editing it"))
            #expect(aliceSave.text.contains(">Alice</textarea>"), "Alice keeps what she typed")
            #expect(aliceSave.text.contains(#"name="version" value="2""#))
            // She sees what Bob changed, and who, before she decides to save again.
            let conflict = try #require(aliceSave.text.firstMatch(of: /<div class="alert error" role="alert" id="conflict"[\s\S]*?<\/div>/)?.0)
            #expect(conflict.contains(h.user(.admin).email) && conflict.contains("On notice"), "\(conflict)")
            let saved = try await h.app.store.vendors.find(vendor.id)
            #expect(saved?.fields.standing == .onNotice)
            #expect(saved?.fields.notes == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func listSearchesFiltersSortsAndPaginates(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            for i in 1...30 {
                _ = try await h.app.store.vendors.create(
                    VendorFields(name: String(format: "Vendor %02d", i), standing: i <= 3 ? .suspended : .goodStanding),
                    id: .init(UUID()), by: .commandLine, at: h.clock.now)
            }
            let browser = try await h.signedIn(.procurement)
            let first = try await browser.get("/vendors")
            #expect(first.text.contains("1–25 of 30 vendors · page 1 of 2"))
            #expect(first.text.contains(#"href="/vendors?page=2&amp;sort=name""#))
            #expect(!first.text.contains("New vendor"), "procurement cannot create")
            let second = try await browser.get("/vendors?page=2&sort=name")
            #expect(second.text.contains("Vendor 30"))
            let suspended = try await browser.get("/vendors?standing=suspended")
            #expect(suspended.text.contains("1–3 of 3 vendors"))
            let search = try await browser.get("/vendors?q=vendor+07")
            #expect(search.text.contains("Vendor 07"))
            #expect(search.text.contains("1–1 of 1 vendors"))
        }
    }

    @Test func namesAreEscapedEverywhere() async throws {
        try await withWebApp { h in
            let hostile = #"<script>alert("x")</script> & 'Co' ünï"#
            let vendor = try await h.app.store.vendors.create(VendorFields(name: hostile, notes: "<img src=x onerror=alert(1)>"),
                                                              id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.admin)
            for path in ["/vendors", "/vendors/\(vendor.id)", "/vendors/\(vendor.id)/edit", "/audit", "/"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok)
                #expect(!page.text.contains("<script>alert"), "\(path) shows raw markup")
                #expect(!page.text.contains("<img src=x"), "\(path) shows raw markup")
                #expect(page.text.contains("&lt;script&gt;"), "\(path) does not show the name")
            }
        }
    }

    @Test func unknownVendorIsA404Page() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.reviewer)
            let missing = try await browser.get("/vendors/\(UUID())")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("That vendor does not exist."))
            let garbage = try await browser.get("/vendors/not-a-uuid")
            #expect(garbage.status == .notFound)
        }
    }

    @Test func readersSeeNoEditButtonAndCannotEdit() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Harbor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.reviewer)
            let page = try await browser.get("/vendors/\(vendor.id)")
            #expect(!page.text.contains("id=\"edit-vendor\""))
            #expect(!page.text.contains("History in the audit trail"))
            #expect(page.text.contains("No integrations yet."))
            let forbidden = try await browser.get("/vendors/\(vendor.id)/edit")
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.text.contains("Your role does not allow this."))
        }
    }
}

@Suite("Errors, limits and headers")
struct ErrorPageTests {
    @Test func unknownPagesAre404PagesAndUnknownAPIPathsAreJSON() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.auditor)
            let page = try await browser.get("/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.text.contains("There is no page at this address."))
            #expect(page.text.contains("Audrey") || page.text.contains("Test Auditor"), "the layout still knows who is signed in")
            let api = try await h.app.testing().sendRequest(.GET, "/api/v1/nothing", headers: bearer(try await h.token(.auditor)))
            #expect(api.status == .notFound)
            #expect((try json(api)["error"] as? [String: Any])?["code"] as? String == "not_found")
        }
    }

    /// Runs over real HTTP on loopback: the in-memory tester hands bodies over already collected.
    @Test func oversizedBodiesAre413() async throws {
        try await withWebApp(configure: { $0.maxBodySize = 16_384 }) { h in
            // Sessions live in the database, so a cookie from an in-memory sign-in works over HTTP too.
            let browser = try await h.signedIn(.admin)
            try await browser.get("/vendors/new")
            let live = try h.app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...60_000)))
            let form = "_csrf=\(browser.lastCSRF!)&name=Big&notes=" + String(repeating: "x", count: 40_000)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.replaceOrAdd(name: .cookie, value: "vr_session=\(browser.cookie!)")
            let page = try await live.sendRequest(.POST, "/vendors", headers: headers, body: ByteBuffer(string: form))
            #expect(page.status == .payloadTooLarge)
            #expect(page.body.string.contains("this page accepts forms up to 16 KB"), "the limit is named")
            let api = try await live.sendRequest(.POST, "/api/v1/vendors", headers: jsonHeaders(try await h.token(.admin)),
                                                 body: ByteBuffer(string: "{\"name\":\"" + String(repeating: "y", count: 40_000) + "\"}"))
            #expect(api.status == .payloadTooLarge)
            #expect((try json(api)["error"] as? [String: Any])?["code"] as? String == "payload_too_large")
            #expect(try await h.app.store.vendors.list(VendorQuery()).total == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func healthReportsTheEngine(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let response = try await h.app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["status"] as? String == "ok")
            #expect(body["database"] as? String == (engine == .sqlite ? "sqlite" : "postgresql"))
            #expect(response.headers[.setCookie].isEmpty, "health checks never create sessions")
        }
    }

    @Test func responsesCarryARequestIDAndSecurityHeaders() async throws {
        try await withWebApp { h in
            let response = try await TestBrowser(app: h.app).get("/login")
            #expect(response.headers.first(name: "X-Request-ID")?.isEmpty == false)
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS while the public address is http")
        }
    }

    @Test func anHTTPSPublicAddressAddsHSTS() async throws {
        try await withWebApp(configure: { $0.publicURL = "https://vendor-review.northfield.example" }) { h in
            let response = try await TestBrowser(app: h.app).get("/login")
            #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
            let health = try await h.app.testing().sendRequest(.GET, "/healthz")
            #expect(health.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
        }
    }
}
