import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Integration pages")
struct IntegrationPageTests {
    func vendor(_ h: WebHarness, _ name: String = "Ledgerline Attendance") async throws -> Vendor {
        try await h.app.store.vendors.create(VendorFields(name: name), id: .init(UUID()), by: .commandLine, at: h.clock.now)
    }

    @Test(arguments: TestEngine.available)
    func adminCreatesAnIntegrationDeclaresEndpointsAndChangesStatus(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let ledgerline = try await vendor(h)
            let browser = try await h.signedIn(.admin)
            let bad = try await browser.post("/vendors/\(ledgerline.id)/integrations", form: [
                "name": "", "kind": "api_developer_key", "installLevel": "sub_account", "classification": "restricted", "sendsDataToAI": "yes",
            ], csrfFrom: "/vendors/\(ledgerline.id)/integrations/new")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Name the sub-account it is installed in."))
            #expect(bad.text.contains("Name the AI services that receive Canvas data."))
            #expect(try await h.app.store.integrations.list(IntegrationQuery()).total == 0)

            let created = try await browser.post("/vendors/\(ledgerline.id)/integrations", form: [
                "name": "Attendance sync", "kind": "api_developer_key", "installLevel": "root_account", "purpose": "Post attendance scores",
                "classification": "restricted", "sendsDataToAI": "no", "ownerID": h.user(.admin).id.description,
            ], csrfFrom: "/vendors/\(ledgerline.id)/integrations/new")
            #expect(created.status == .seeOther)
            let integration = try #require(try await h.app.store.integrations.list(IntegrationQuery()).items.first)
            #expect(integration.fields.ownerID == h.user(.admin).id)
            let detail = try await browser.get(created.location!)
            #expect(detail.text.contains("created as a draft"))
            #expect(detail.text.contains("Test Admin (admin@northfield.example)"))

            let whitelistPath = "/integrations/\(integration.id)/whitelist"
            let invalid = try await browser.post(whitelistPath, form: [
                "whitelistVersion": "0",
                "entries": "GET /api/v1/courses/1/enrollments # roster\nGET /api/v1/coures/1/users # names",
            ], csrfFrom: whitelistPath)
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.text.contains("line 2: GET /api/v1/coures/1/users"))
            #expect(invalid.text.contains("Did you mean GET /api/v1/courses/:course_id/users"))
            #expect(invalid.text.contains("GET /api/v1/coures/1/users # names</textarea>"), "what was typed is kept")

            let saved = try await browser.post(whitelistPath, form: [
                "whitelistVersion": "0",
                "entries": "GET /api/v1/courses/1/enrollments # roster\nPUT /api/v1/courses/1/assignments/2/submissions/3 # attendance grade",
            ], csrfFrom: whitelistPath)
            #expect(saved.status == .seeOther)
            let page = try await browser.get(whitelistPath)
            #expect(page.text.contains("Endpoint whitelist saved as version 1. Overall risk: high."))
            #expect(page.text.contains("url:PUT|/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id"))
            let scopes = try await browser.get("\(whitelistPath)/scopes.txt")
            #expect(scopes.text == "url:PUT|/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id\nurl:GET|/api/v1/courses/:course_id/enrollments\n")
            #expect(scopes.headers.first(name: .contentDisposition)?.contains("attendance-sync-scopes.txt") == true)
            let key = try await browser.get("\(whitelistPath)/developer-key.json")
            #expect((try JSONSerialization.jsonObject(with: Data(key.text.utf8)) as? [String: Any])?["require_scopes"] as? Bool == true)

            let stale = try await browser.post(whitelistPath, form: ["whitelistVersion": "0", "entries": "GET /api/v1/courses/1/sections # s"], csrfFrom: whitelistPath)
            #expect(stale.status == .conflict)

            let v2 = try await browser.post(whitelistPath, form: [
                "whitelistVersion": "1", "entries": "GET /api/v1/courses/1/enrollments # roster for attendance sheets",
            ], csrfFrom: whitelistPath)
            #expect(v2.status == .seeOther)
            let diff = try await browser.get("\(whitelistPath)/diff?from=1&to=2")
            #expect(diff.text.contains("Removed"))
            #expect(try await browser.get(whitelistPath).text.contains(#"id="compare-versions""#))
            let fromNothing = try await browser.get("\(whitelistPath)/diff?from=0&to=2")
            #expect(fromNothing.text.contains("From version 0 to version 2"))
            #expect(!fromNothing.text.contains("<h2>Removed</h2>"), "against nothing, everything is added")
            #expect(diff.text.contains("“roster” → “roster for attendance sheets”"))
            #expect(try await browser.get("\(whitelistPath)/diff?from=1&to=9").status == .notFound)

            let noNote = try await browser.post("/integrations/\(integration.id)/actions", form: ["action": "suspend", "version": "1"],
                                                csrfFrom: "/integrations/\(integration.id)")
            #expect(noNote.status == .unprocessableEntity)
            #expect(noNote.text.contains("is not possible while the integration is draft"))
            let submit = try await browser.post("/integrations/\(integration.id)/actions", form: ["action": "submit_for_review", "version": "1"],
                                                csrfFrom: "/integrations/\(integration.id)")
            #expect(submit.status == .seeOther)
            #expect(try await h.app.store.integrations.find(integration.id)?.status == .inReview)

            let list = try await browser.get("/integrations?status=in_review&risk=medium")
            #expect(list.text.contains("Attendance sync"))
            #expect(list.text.contains("1–1 of 1 integrations"))
            #expect(!(try await browser.get(whitelistPath)).text.contains("id=\"line-errors\""), "no error list after a save")
            let vendorPage = try await browser.get("/vendors/\(ledgerline.id)")
            #expect(vendorPage.text.contains("Attendance sync"))
            let audit = try await browser.get("/audit?entityType=integration")
            #expect(audit.text.contains("status Draft → In review"))
        }
    }

    /// The vendor filter is a search over vendors' names (no list of every vendor), on both engines; a
    /// vendor's id, as links carry it, still picks that vendor.
    @Test(arguments: TestEngine.available)
    func theVendorFilterSearchesVendorNames(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let store = h.app.store
            var vendors: [Vendor] = []
            for name in ["Ledgerline Systems", "Quillstone Learning", "Ledger Lite"] {
                let vendor = try await store.vendors.create(VendorFields(name: name), id: .init(UUID()), by: .commandLine, at: h.clock.now)
                vendors.append(vendor)
                _ = try await store.integrations.create(IntegrationFields(name: "\(name) tool", kind: .lti13, installLevel: .course, purpose: "p", classification: .internal),
                                                        vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
                _ = try await store.contracts.create(ContractFields(title: "\(name) MSA", kind: .masterAgreement, status: .draft),
                                                     vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            }
            let browser = try await h.signedIn(.procurement)
            let ledger = try await browser.get("/integrations?vendor=LEDGER")
            #expect(ledger.text.contains("Ledgerline Systems tool") && ledger.text.contains("Ledger Lite tool") && !ledger.text.contains("Quillstone Learning tool"))
            #expect(ledger.text.contains(#"name="vendor" value="LEDGER""#) && !ledger.text.contains(#"<select name="vendor""#))
            #expect(ledger.text.contains("1–2 of 2 integrations"))
            let byID = try await browser.get("/integrations?vendor=\(vendors[1].id)")
            #expect(byID.text.contains("Quillstone Learning tool") && !byID.text.contains("Ledger Lite tool"))
            #expect(byID.text.contains(#"name="vendor" value="Quillstone Learning""#), "the chosen vendor is shown by name")
            let nobody = try await browser.get("/integrations?vendor=nobody%20at%20all")
            #expect(nobody.status == .ok && !nobody.text.contains(" tool</a>"))
            let contracts = try await browser.get("/contracts?vendor=quill")
            #expect(contracts.text.contains("Quillstone Learning MSA") && !contracts.text.contains("Ledger Lite MSA"))
            #expect(!contracts.text.contains(#"<select name="vendor""#))
            let wild = try await browser.get("/contracts?vendor=%25")
            #expect(wild.status == .ok)
        }
    }

    @Test func readersSeeTheWhitelistButNoEditor() async throws {
        try await withWebApp { h in
            let v = try await vendor(h)
            let integration = try await h.app.store.integrations.create(
                IntegrationFields(name: "Reader", kind: .lti13, installLevel: .course, purpose: "Reading", classification: .internal),
                vendorID: v.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.procurement)
            let page = try await browser.get("/integrations/\(integration.id)/whitelist")
            #expect(page.status == .ok)
            #expect(page.text.contains("No endpoints declared yet."))
            #expect(!page.text.contains("id=\"whitelist-table\""), "an empty whitelist shows no table")
            #expect(!page.text.contains("id=\"line-errors\""))
            #expect(!page.text.contains("id=\"entries\""))
            #expect(!(try await browser.get("/integrations/\(integration.id)")).text.contains("Submit for review"))
        }
    }
}

@Suite("Integration API")
struct IntegrationAPITests {
    @Test(arguments: TestEngine.available)
    func createPatchActAndDeclareOverJSON(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Cobalt"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let token = try await h.token(.admin)
            let invalid = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations", headers: jsonHeaders(token),
                body: try jsonBody(["name": "Plagiarism check"]))
            #expect(invalid.status == .unprocessableEntity)
            let created = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations", headers: jsonHeaders(token), body: try jsonBody([
                "vendorID": vendor.id.description, "name": "Plagiarism check", "kind": "lti_1_3", "installLevel": "course",
                "purpose": "Originality reports", "classification": "restricted", "sendsDataToAI": true, "aiServices": "In-house model",
                "aiData": "Submission text",
            ]))
            #expect(created.status == .created)
            let body = try json(created)
            let id = try #require(body["id"] as? String)
            #expect(body["status"] as? String == "draft")
            #expect(body["risk"] is NSNull)

            let patched = try await h.app.testing().sendRequest(.PATCH, "/api/v1/integrations/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["nextReviewOn": "2027-06-30", "version": 1]))
            #expect(try json(patched)["nextReviewOn"] as? String == "2027-06-30")

            let badLines = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(id)/whitelist", headers: jsonHeaders(token),
                body: try jsonBody(["version": 0, "entries": [["method": "GET", "path": "/api/v1/coures/1/users", "justification": "x"]]]))
            #expect(badLines.status == .unprocessableEntity)
            let fields = (try json(badLines)["error"] as? [String: Any])?["fields"] as? [String: String]
            #expect(fields?["line 1"]?.contains("Did you mean GET /api/v1/courses/:course_id/users") == true)

            let put = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(id)/whitelist", headers: jsonHeaders(token),
                body: try jsonBody(["version": 0, "entries": [
                    ["method": "GET", "path": "/api/v1/courses/1/assignments/2/submissions", "justification": "read submissions to check"],
                    ["method": "POST", "path": "/api/lti/assignments/2/submissions/3/originality_report", "justification": "post reports"],
                ]]))
            #expect(put.status == .ok)
            let whitelist = try json(put)
            #expect(whitelist["version"] as? Int == 1)
            #expect(whitelist["overallRisk"] as? String == "high")
            #expect(whitelist["scopes"] as? [String] == ["url:GET|/api/v1/courses/:course_id/assignments/:assignment_id/submissions"])

            let reader = try await h.token(.reviewer)
            let get = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(id)/whitelist", headers: bearer(reader))
            #expect((try json(get)["entries"] as? [Any])?.count == 2)
            let forbidden = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(id)/whitelist", headers: jsonHeaders(reader),
                body: try jsonBody(["version": 1, "entries": []]))
            #expect(forbidden.status == .forbidden)

            let action = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations/\(id)/actions", headers: jsonHeaders(token),
                body: try jsonBody(["action": "submit_for_review", "version": 2]))
            #expect(try json(action)["status"] as? String == "in_review")
            let stale = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations/\(id)/actions", headers: jsonHeaders(token),
                body: try jsonBody(["action": "approve", "version": 2]))
            #expect(stale.status == .conflict)

            let list = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations?status=in_review&risk=high", headers: bearer(reader))
            #expect(try json(list)["total"] as? Int == 1)
            let badFilter = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations?risk=extreme", headers: bearer(reader))
            #expect(badFilter.status == .unprocessableEntity)
            let diff = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(id)/whitelist/diff", headers: bearer(reader))
            #expect((try json(diff)["added"] as? [String])?.count == 2)
        }
    }
}
