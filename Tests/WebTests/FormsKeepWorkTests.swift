import Domain
import Foundation
import Operations
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Forms that do not lose work")
struct FormsKeepWorkTests {
    @Test func attachingAFileKeepsTheAnswersTypedOnThePage() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            let page = try await vendor.get(link + "/accessibility")
            #expect(page.text.contains("form=\"answer-form\" formaction=") && page.text.contains("name=\"file.VR-A11Y-04\""),
                    "the Attach button belongs to the answers form")
            #expect(page.text.contains("files up to 20.0 MB"), "the limit is named before anyone tries")
            let csrf = try #require(vendor.lastCSRF)
            let upload = try await vendor.postMultipart(link + "/accessibility/evidence", csrf: csrf,
                                                        extra: ["question": "VR-A11Y-04", "q.VR-A11Y-01": "yes", "q.VR-A11Y-02": "vpat_2_5_wcag"],
                                                        fileField: "file.VR-A11Y-04", filename: "ACR.pdf", bytes: Array("%PDF-1.7 acr".utf8))
            #expect(upload.status == .seeOther, "\(errorsIn(upload.text))")
            let answers = try await h.app.store.answers.answers(integration.id)
            #expect(answers.first { $0.questionID == "VR-A11Y-01" }?.values == ["yes"], "the typed answer was saved with the file")
            #expect(answers.first { $0.questionID == "VR-A11Y-04" }?.values == ["ACR.pdf"])
            let shown = try await vendor.get(link + "/accessibility").text
            #expect(shown.contains("VPAT 2.5 WCAG"), "option labels read as words")

            // A refused file keeps what was typed on the page.
            let refused = try await vendor.postMultipart(link + "/accessibility/evidence", csrf: csrf,
                                                         extra: ["question": "VR-A11Y-04", "q.VR-A11Y-01": "yes", "q.VR-A11Y-03": "2026-11-30"],
                                                         fileField: "file.VR-A11Y-04", filename: "tool.exe", bytes: Array("MZ binary".utf8) + [0, 1, 2])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("value=\"2026-11-30\""), "the date typed before attaching is still there")
        }
    }

    @Test func controlCharactersAreNeverEchoedIntoAPage() async throws {
        try await withWebApp { h in
            let admin = try await h.signedIn(.admin)
            let garbage = "Bin\u{0}\u{1}\u{7}\u{1B}[31mary"
            let response = try await admin.post("/vendors", form: ["name": garbage, "standing": "good_standing"], csrfFrom: "/vendors/new")
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("must not contain control characters"))
            #expect(!response.text.contains("\u{0}") && !response.text.contains("\u{1B}") && response.text.contains("Bin[31mary"))
        }
    }

    @Test func aVendorsErrorPageLeadsBackToTheirQuestionnaires() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            let missing = try await vendor.get(link + "/no-such-questionnaire")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("href=\"\(link)\" id=\"error-back\"") && missing.text.contains("Back to your questionnaires"))
            #expect(!missing.text.contains("Back to the dashboard"))
            let staff = try await (try await h.signedIn(.auditor)).get("/no-such-page")
            #expect(staff.text.contains("Back to the dashboard"))
        }
    }

    /// Over real HTTP on loopback: a file over the route's limit is refused naming the file limit.
    @Test func aTooLargeUploadNamesTheLimit() async throws {
        try await withWebApp(configure: { $0.maxDocumentBytes = 1_024 }) { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            try await vendor.get(link + "/accessibility")
            let live = try h.app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...60_000)))
            let boundary = "vr-big"
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(vendor.lastCSRF!)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF" + String(repeating: "x", count: 300_000))
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            headers.replaceOrAdd(name: .cookie, value: "vr_session=\(vendor.cookie!)")
            let response = try await live.sendRequest(.POST, link + "/accessibility/evidence", headers: headers, body: body)
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("this page accepts files up to 1 KB"), "\(response.body.string.prefix(300))")
            #expect(response.body.string.contains("Back to your questionnaires"))
        }
    }

    /// Over real HTTP on loopback: the address links are built on is the one the server listens on.
    @Test func linksUseTheAddressTheAppIsServedAt() async throws {
        try await withWebApp(configure: { $0.publicURL = nil }) { h in
            let integration = try await seedIntegration(h)
            let port = Int.random(in: 20_000...60_000)
            let live = try h.app.testing(method: .running(hostname: "127.0.0.1", port: port))
            let admin = try await h.signedIn(.admin)
            try await admin.get("/integrations/\(integration.id)")
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.replaceOrAdd(name: .cookie, value: "vr_session=\(admin.cookie!)")
            let body = TestBrowser.encode(["_csrf": admin.lastCSRF!, "contactName": "Müller, José", "contactEmail": "jose@vendor.example"])
            let created = try await live.sendRequest(.POST, "/integrations/\(integration.id)/links", headers: headers, body: ByteBuffer(string: body))
            // The live client follows the 303 to the integration page.
            #expect(created.status == .ok && created.body.string.contains("id=\"new-link-url\">http://127.0.0.1:\(port)/respond/vl_"))
            #expect(try await h.app.store.vendorLinks.list(integration.id).count == 1)
            // Quoted-printable soft line breaks joined again.
            let mail = try #require(try await h.mail().last).replacingOccurrences(of: "=\r\n", with: "")
            #expect(mail.contains("http://127.0.0.1:\(port)/respond/vl_"), "not 8080")
            #expect(mail.contains("To: =?UTF-8?B?" + Data("Müller, José".utf8).base64EncodedString() + "?= <jose@vendor.example>"))
        }
    }
}
