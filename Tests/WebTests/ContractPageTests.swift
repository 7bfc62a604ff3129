import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Contract pages")
struct ContractPageTests {
    @Test(arguments: TestEngine.available)
    func adminRecordsAContractAttachesAPDFAndAnyReaderDownloadsIt(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Quillstone"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.admin)
            let newPath = "/vendors/\(vendor.id)/contracts/new"
            let bad = try await browser.post("/vendors/\(vendor.id)/contracts", form: [
                "title": "", "kind": "master_agreement", "status": "signed", "clause_breach_notification": "on", "startsOn": "2026-07-01", "endsOn": "2026-01-01",
            ], csrfFrom: newPath)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Title is required."))
            #expect(bad.text.contains("A signed contract needs the date it was signed."))
            #expect(bad.text.contains("The contract cannot end before it starts."))
            #expect(bad.text.contains("Say within how many hours"))
            #expect(bad.text.contains(#"id="clause_breach_notification" checked"#), "ticked boxes stay ticked")

            let created = try await browser.post("/vendors/\(vendor.id)/contracts", form: [
                "title": "Master services agreement", "kind": "master_agreement", "status": "signed", "signedOn": "2026-06-01",
                "clause_ferpa_school_official": "on", "ref_ferpa_school_official": "§4.1", "clause_out_of_scope_action": "on",
                "ref_out_of_scope_action": "§12.3", "clause_breach_notification": "on", "breachNotificationHours": "72",
            ], csrfFrom: newPath)
            #expect(created.status == .seeOther)
            let contract = try #require(try await h.app.store.contracts.list(ContractQuery()).items.first)
            #expect(contract.fields.clause(.outOfScopeAction) == Clause(present: true, reference: "§12.3"))
            let page = try await browser.get(created.location!)
            #expect(page.text.contains("§4.1"))
            #expect(page.text.contains("within 72 hours"))

            let pdf = Array("%PDF-1.7\n% signed copy\n".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x00]
            let attached = try await browser.postMultipart("/contracts/\(contract.id)/documents", csrf: browser.lastCSRF!, filename: "Signed MSA.pdf", bytes: pdf)
            #expect(attached.status == .seeOther)
            let documents = try await h.app.store.contracts.documents(contract.id)
            #expect(documents.map(\.filename) == ["Signed MSA.pdf"])
            #expect(documents[0].sha256 == DocumentCheck.sha256(pdf))
            let detail = try await browser.get("/contracts/\(contract.id)")
            #expect(detail.text.contains(documents[0].sha256))

            let reader = try await h.signedIn(.auditor)
            let download = try await reader.get("/contracts/\(contract.id)/documents/\(documents[0].id)")
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == pdf)
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(download.headers.first(name: .contentType) == "application/pdf")
            #expect(download.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)

            let api = try await h.app.testing().sendRequest(.GET, "/api/v1/contracts/\(contract.id)/documents", headers: bearer(try await h.token(.procurement)))
            #expect(api.text.contains(documents[0].sha256))
        }
    }

    @Test func filesThatAreNotWhatTheySayOrTooLargeAreRefusedClearly() async throws {
        try await withWebApp(configure: { $0.maxDocumentBytes = 2_048 }) { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Brightpath"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let contract = try await h.app.store.contracts.create(
                ContractFields(title: "DPA", kind: .dataPrivacyAgreement, status: .draft), vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.admin)
            let path = "/contracts/\(contract.id)/documents"
            try await browser.get("/contracts/\(contract.id)")
            let renamed = try await browser.postMultipart(path, csrf: browser.lastCSRF!, filename: "dpa.pdf", bytes: [0x4D, 0x5A, 0x90, 0x00, 0x03])
            #expect(renamed.status == .unprocessableEntity)
            #expect(renamed.text.contains("“dpa.pdf” does not contain what its name says"))
            let script = try await browser.postMultipart(path, csrf: browser.lastCSRF!, filename: "dpa.html", bytes: Array("<script>alert(1)</script>".utf8))
            #expect(script.status == .unprocessableEntity)
            #expect(script.text.contains("Only PDF and office documents"))
            let big = try await browser.postMultipart(path, csrf: browser.lastCSRF!, filename: "big.pdf", bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0x41, count: 4_000))
            #expect(big.status == .unprocessableEntity)
            #expect(big.text.contains("The file is 4 KB; the limit is 2 KB."))
            #expect(try await h.app.store.contracts.documents(contract.id).isEmpty)
        }
    }

    @Test func contractAPICreatesAndPatchesWithClauses() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Cobalt"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let token = try await h.token(.admin)
            let created = try await h.app.testing().sendRequest(.POST, "/api/v1/contracts", headers: jsonHeaders(token), body: try jsonBody([
                "vendorID": vendor.id.description, "title": "NDPA", "kind": "data_privacy_agreement", "status": "draft",
                "clauses": ["data_deletion": ["present": true, "reference": "§8"]],
            ]))
            #expect(created.status == .created)
            let body = try json(created)
            let id = try #require(body["id"] as? String)
            #expect(((body["clauses"] as? [String: Any])?["data_deletion"] as? [String: Any])?["present"] as? Bool == true)
            let patched = try await h.app.testing().sendRequest(.PATCH, "/api/v1/contracts/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["status": "signed", "signedOn": "2026-11-01", "version": 1]))
            #expect(patched.status == .ok)
            #expect(try json(patched)["status"] as? String == "signed")
            let missingDate = try await h.app.testing().sendRequest(.PATCH, "/api/v1/contracts/\(id)", headers: jsonHeaders(token),
                body: try jsonBody(["signedOn": "not a date", "version": 2]))
            #expect(missingDate.status == .unprocessableEntity)
        }
    }
}
