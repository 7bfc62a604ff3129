import Domain
import Foundation
import NIOCore
import NIOEmbedded
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Sets up a vendor with an integration owned by the reviewer, and returns it.
func seedIntegration(_ h: WebHarness, name: String = "Gradebook sync", owner: Role? = .reviewer) async throws -> Integration {
    let vendor = try await h.app.store.vendors.create(VendorFields(name: "Vendor of \(name)"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
    return try await h.app.store.integrations.create(
        IntegrationFields(name: name, kind: .apiDeveloperKey, installLevel: .rootAccount, purpose: "Sync grades", classification: .restricted,
                          ownerID: owner.map { h.user($0).id }),
        vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
}

/// Creates an answer link as the admin through the page and returns its path ("/respond/vl_…").
func createLink(_ h: WebHarness, _ integration: Integration, days: String = "") async throws -> String {
    let admin = try await h.signedIn(.admin)
    let page = "/integrations/\(integration.id)"
    let response = try await admin.post(page + "/links", form: ["contactName": "Vera Vendor", "contactEmail": "vera@vendor.example", "days": days],
                                        csrfFrom: page)
    // Post, redirect, get: the link is shown once on the page the redirect lands on.
    #expect(response.status == .seeOther && response.location == page)
    let shown = try await admin.get(page)
    let url = try #require(shown.text.firstMatch(of: /id="new-link-url">([^<]+)</)?.1)
    #expect(try await admin.get(page).text.firstMatch(of: /id="new-link-url">/) == nil, "a refresh neither repeats the POST nor shows the link again")
    return String(url.dropFirst("http://127.0.0.1:8080".count))
}

@Suite("Vendor answer links")
struct VendorLinkTests {
    @Test func aVendorAnswersUploadsAndSubmitsAndTheOwnerIsTold() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration)
            #expect(link.hasPrefix("/respond/vl_"))
            let invitation = try #require(try await h.mail().first { $0.contains("To: Vera Vendor <vera@vendor.example>") })
            #expect(invitation.contains(link.dropFirst("/respond/".count).prefix(20)), "the e-mail carries the link")

            let vendor = TestBrowser(app: h.app)
            let index = try await vendor.get(link)
            #expect(index.status == .ok)
            #expect(index.text.contains("Gradebook sync") && index.text.contains("Accessibility"))
            #expect(index.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(!index.text.contains("Sign out"), "no account, no navigation")

            let bad = try await vendor.post(link + "/ferpa", form: ["q.VR-FERPA-02": "maybe"], csrfFrom: link + "/ferpa")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("is not one of the choices"))
            #expect(try await h.app.store.answers.answers(integration.id).isEmpty, "nothing saved from a refused form")

            let saved = try await vendor.post(link + "/ferpa", form: ["q.VR-FERPA-02": "yes"], csrfFrom: link + "/ferpa")
            #expect(saved.status == .seeOther && saved.location == link, "\(saved.status) \(errorsIn(saved.text))")
            let pdf = Array("%PDF-1.4 vpat".utf8)
            let page = try await vendor.get(link + "/accessibility")
            let csrf = try #require(vendor.lastCSRF)
            #expect(page.status == .ok)
            let upload = try await vendor.postMultipart(link + "/accessibility/evidence", csrf: csrf, extra: ["question": "VR-A11Y-04"],
                                                        filename: "VPAT 2.5.pdf", bytes: pdf)
            #expect(upload.status == .seeOther)
            let disguised = try await vendor.postMultipart(link + "/accessibility/evidence", csrf: csrf, extra: ["question": "VR-A11Y-04"],
                                                           filename: "acr.pdf", bytes: Array("MZ executable".utf8) + [0, 1])
            #expect(disguised.status == .unprocessableEntity)

            let answers = try await h.app.store.answers.answers(integration.id)
            #expect(answers.count == 2 && answers.allSatisfy { $0.source == .vendor })
            #expect(answers.first { $0.questionID == "VR-A11Y-04" }?.values == ["VPAT 2.5.pdf"])

            let submitted = try await vendor.post(link + "/submit", form: [:], csrfFrom: link)
            #expect(submitted.status == .seeOther)
            let notice = try #require(try await h.mail().first { $0.contains("submitted answers") })
            #expect(notice.contains("To: Test Reviewer <reviewer@northfield.example>"), "the integration's owner is told")

            // Staff see the vendor's answers marked as such, and can download the evidence.
            let staff = try await h.signedIn(.auditor)
            let view = try await staff.get("/integrations/\(integration.id)/questionnaires/accessibility")
            #expect(view.text.contains("from vendor"))
            let documentID = try #require(try await h.app.store.answers.evidence(integration.id).first?.id)
            let download = try await staff.get("/integrations/\(integration.id)/evidence/\(documentID)")
            #expect(download.status == .ok && Array(download.body.readableBytesView) == pdf)
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
        }
    }

    @Test func aLinkReadsNothingElse() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let other = try await seedIntegration(h, name: "Other integration")
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            #expect(try await vendor.get(link).status == .ok)
            // The vendor's browser session grants nothing outside the link's pages.
            for path in ["/integrations/\(integration.id)", "/integrations/\(other.id)/questionnaires/ferpa", "/vendors", "/reviews/\(UUID())",
                         "/integrations/\(integration.id)/questionnaires/ferpa", "/audit", "/"] {
                let response = try await vendor.get(path)
                #expect(response.status == .seeOther && response.location?.hasPrefix("/login") == true, "\(path) must need a sign-in")
            }
            #expect(try await vendor.get("/api/v1/integrations/\(integration.id)/reviews").status == .unauthorized)
            // Staff-only actions are refused, and evidence cannot be downloaded through the link.
            let mark = try await vendor.post("/integrations/\(integration.id)/questionnaires/ferpa/marks",
                                             form: ["question": "VR-FERPA-02", "mark": "accepted"], csrfFrom: link)
            #expect(mark.status == .seeOther && mark.location?.hasPrefix("/login") == true)
            #expect(try await vendor.get(link + "/nope").status == .notFound)
            // The page shows no reviewer marks or comments.
            _ = try await h.app.store.answers.save(["VR-FERPA-02": ["no"]], questionnaire: h.app.context.questionnaire("ferpa")!,
                                                   integration: integration.id, source: .vendor, by: .system, at: h.clock.now)
            try await h.app.store.answers.mark("VR-FERPA-02", questionnaire: h.app.context.questionnaire("ferpa")!, integration: integration.id,
                                               as: .unacceptable, comment: "INTERNAL-NOTE-42", by: .system, at: h.clock.now)
            let page = try await vendor.get(link + "/ferpa")
            #expect(page.status == .ok && !page.text.contains("INTERNAL-NOTE-42") && !page.text.contains("Unacceptable"))
        }
    }

    @Test func expiredRevokedAndUnknownLinksGetTheSameAnswer() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let short = try await createLink(h, integration, days: "1")
            let revoked = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            #expect(try await vendor.get(short).status == .ok)
            let linkID = try #require(try await h.app.store.vendorLinks.list(integration.id).first { $0.contactEmail == "vera@vendor.example" && $0.expiresAt > h.clock.now.addingTimeInterval(86_400 * 2) }?.id)
            let admin = try await h.signedIn(.admin)
            // Revoking asks to confirm: without the tick nothing is revoked.
            let unconfirmed = try await admin.post("/integrations/\(integration.id)/links/\(linkID)/revoke", form: [:], csrfFrom: "/integrations/\(integration.id)")
            #expect(unconfirmed.status == .seeOther)
            #expect(try await admin.get("/integrations/\(integration.id)").text.contains("Nothing was revoked"))
            #expect(try await vendor.get(revoked).status == .ok)
            let revoke = try await admin.post("/integrations/\(integration.id)/links/\(linkID)/revoke", form: ["confirm": "yes"],
                                              csrfFrom: "/integrations/\(integration.id)")
            #expect(revoke.status == .seeOther)
            let refusedRevoked = try await vendor.get(revoked)
            #expect(refusedRevoked.status == .notFound)
            h.clock.advance(by: 86_400 + 1)
            let refusedExpired = try await vendor.get(short)
            let refusedUnknown = try await vendor.get("/respond/vl_" + String(repeating: "A", count: 43))
            #expect(refusedExpired.status == .notFound && refusedUnknown.status == .notFound)
            let sentence = "This answer link is not valid"
            #expect([refusedRevoked, refusedExpired, refusedUnknown].allSatisfy { $0.text.contains(sentence) })
            // Saving through an expired link is refused too.
            let save = try await vendor.post(short + "/ferpa", form: ["q.VR-FERPA-02": "yes"], csrfFrom: "/login")
            #expect(save.status == .notFound)
            #expect(try await h.app.store.answers.answers(integration.id).isEmpty)
        }
    }

    @Test func guessingLinksIsThrottled() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration)
            let guesser = TestBrowser(app: h.app)
            var statuses: [UInt] = []
            for i in 0..<(VendorLinks.failedLookupsPerAddress + 2) {
                statuses.append(try await guesser.get("/respond/vl_guess\(i)").status.code)
            }
            #expect(statuses.prefix(VendorLinks.failedLookupsPerAddress).allSatisfy { $0 == 404 })
            #expect(statuses.suffix(2).allSatisfy { $0 == 429 })
            #expect(try await guesser.get(link).status == .tooManyRequests, "once throttled, even a real link waits")
            h.clock.advance(by: VendorLinks.window + 1)
            #expect(try await guesser.get(link).status == .ok)
        }
    }
}

@Suite("Mail transport")
struct MailTransportTests {
    @Test func theFileOutboxWritesCompleteMessages() async throws {
        let directory = NSTemporaryDirectory() + "vr-outbox-\(UUID().uuidString)/"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mailer = Mailer(from: "VendorReview <review@northfield.edu>", transport: FileOutbox(directory: directory, now: { Date(timeIntervalSince1970: 0) }),
                            now: { Date(timeIntervalSince1970: 0) })
        try await mailer.send(to: ["ana@northfield.edu"], subject: "Hello", body: "Line one\nLine two", logger: Logger(label: "test"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1 && files[0].hasPrefix("19700101T000000Z-") && files[0].hasSuffix(".eml"))
        let text = try String(contentsOfFile: directory + files[0], encoding: .utf8)
        #expect(text.contains("From: VendorReview <review@northfield.edu>\r\nTo: ana@northfield.edu\r\nSubject: Hello\r\n"))
        #expect(text.hasSuffix("\r\n\r\nLine one\r\nLine two\r\n"))
    }

    @Test func smtpSettingsComeFromTheURLAndKeepCredentialsOffTheWire() throws {
        let plain = try SMTPSettings.parse("smtp://mail.northfield.edu:2525", caFile: nil)
        #expect(plain.host == "mail.northfield.edu" && plain.port == 2525 && plain.security == .none && plain.username == nil)
        let secure = try SMTPSettings.parse("smtp://app%40northfield.edu:p%3Ass@mail.northfield.edu:587?starttls=require", caFile: "/etc/ca.pem")
        #expect(secure.username == "app@northfield.edu" && secure.password == "p:ss" && secure.security == .starttls && secure.caFile == "/etc/ca.pem")
        #expect(!secure.description.contains("p:ss"))
        #expect(throws: ConfigurationError.self) { try SMTPSettings.parse("smtp://user:pw@mail.northfield.edu:587", caFile: nil) }
        #expect(try SMTPSettings.parse("smtp://user:pw@127.0.0.1:2525", caFile: nil).username == "user", "loopback may skip TLS")
        #expect(throws: ConfigurationError.self) { try SMTPSettings.parse("https://mail.northfield.edu", caFile: nil) }
        #expect(throws: ConfigurationError.self) { try SMTPSettings.parse("smtp://mail.northfield.edu?tls=maybe", caFile: nil) }
        let error = #expect(throws: ConfigurationError.self) { try AppConfig.fromEnvironment(["SMTP_URL": "smtp://u:secret@x.example:25"], workingDirectory: "/tmp") }
        #expect(error?.description.contains("secret") == false, "configuration errors never echo the value")
    }

    @Test func smtpRepliesAndDataAreFramedCorrectly() {
        #expect(SMTPReply.parseLine("250-mail.example Hello")! == (250, false, "mail.example Hello"))
        #expect(SMTPReply.parseLine("250 STARTTLS")! == (250, true, "STARTTLS"))
        #expect(SMTPReply.parseLine("hello") == nil)
        #expect(SMTPReply(code: 250, lines: ["hi", "starttls", "auth plain login"]).capabilities == ["STARTTLS", "AUTH PLAIN LOGIN"])
        #expect(SMTPReply.dotStuffed("a\r\n.b\r\n") == "a\r\n..b\r\n")
    }
}

@Suite("SMTP line framing")
struct SMTPLineDecoderTests {
    @Test func crlfLinesArriveWithoutTheirLineEnds() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))
        try channel.writeInbound(ByteBuffer(string: "250-mail.example\r\n250-STARTTLS\r\n250 HE"))
        try channel.writeInbound(ByteBuffer(string: "LP\r\n"))
        var lines: [String] = []
        while let line = try channel.readInbound(as: String.self) { lines.append(line) }
        #expect(lines == ["250-mail.example", "250-STARTTLS", "250 HELP"])
        #expect(SMTPReply(code: 250, lines: lines.map { SMTPReply.parseLine($0)!.text }).capabilities.contains("STARTTLS"))
    }
}
