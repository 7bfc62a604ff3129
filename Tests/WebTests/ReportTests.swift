import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// A fixed data set: fixed ids, the test clock, one vendor with a contract, an integration with
/// endpoints, answers, a decided review with a finding, an inherited key and a registered token.
func reportFixture(_ h: WebHarness, vendorName: String = "Quillstone Learning", contractTitle: String = "Master services agreement") async throws -> Vendor {
    let store = h.app.store
    let now = h.clock.now
    let actor = Actor(userID: nil, label: "fixture")
    @Sendable func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    let vendor = try await store.vendors.create(VendorFields(name: vendorName, website: "https://quillstone.example", securityContactEmail: "security@quillstone.example",
                                                             standing: .goodStanding), id: .init(id(1)), by: actor, at: now)
    let contract = try await store.contracts.create(ContractFields(
        title: contractTitle, kind: .masterAgreement, status: .signed, signedOn: "2026-06-01", startsOn: "2026-06-01",
        endsOn: CalendarDay.adding(days: 25, to: CalendarDay.of(now)), breachNotificationHours: 72,
        clauses: [.ferpaSchoolOfficial: Clause(present: true, reference: "§4.1"), .breachNotification: Clause(present: true)]),
        vendorID: vendor.id, id: .init(id(2)), by: actor, at: now)
    let pdf = Array("%PDF-1.4 signed".utf8)
    try await store.contracts.attach(ContractDocument(id: .init(id(3)), contractID: contract.id, filename: "Signed <MSA>.pdf", type: .pdf, size: pdf.count,
                                                      sha256: DocumentCheck.sha256(pdf), uploadedBy: "fixture", uploadedAt: now), bytes: pdf, by: actor)
    let integration = try await store.integrations.create(
        IntegrationFields(name: "Reader \"Plus\"", kind: .lti13, installLevel: .course, purpose: "Reading <practice>", classification: .restricted,
                          ownerID: h.user(.admin).id, nextReviewOn: CalendarDay.adding(days: 6, to: CalendarDay.of(now))),
        vendorID: vendor.id, id: .init(id(4)), by: actor, at: now)
    _ = try await store.integrations.saveWhitelist([
        WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster <sync>", group: "Users", kinds: [.roster, .userPII]),
        WhitelistEntry(verb: .POST, template: "/api/v1/courses/:course_id/assignments", justification: "create reading tasks", group: "Assignments", kinds: [.courseContent]),
    ], for: integration.id, expectedWhitelistVersion: 0, by: actor, at: now)
    let ferpa = h.app.context.questionnaire("ferpa")!
    _ = try await store.answers.save(["VR-FERPA-02": ["no"], "VR-FERPA-03": ["no"]], questionnaire: ferpa, integration: integration.id, source: .vendor, by: actor, at: now)
    try await store.answers.mark("VR-FERPA-02", questionnaire: ferpa, integration: integration.id, as: .unacceptable, comment: "Must be a <school official>",
                                 by: actor, at: now)
    let reviewer = h.user(.reviewer)
    let review = try await store.reviews.create(ReviewFields(reviewerID: reviewer.id, scope: "OAuth & tokens"), kind: .security, integration: integration.id,
                                                id: .init(id(5)), supersedes: nil, by: Actor(user: reviewer), at: now)
    _ = try await store.reviews.addFinding(FindingFields(title: "Tokens in <logs>", description: "", severity: .high), to: review.id, id: .init(id(6)),
                                           by: Actor(user: reviewer), at: now)
    _ = try await store.reviews.decide(review.id, expectedVersion: 1, by: Actor(user: reviewer), decidedByID: reviewer.id, at: now) { _, _ in
        ReviewDecisionRecord(decision: .approveWithConditions, conditions: "Remove tokens from logs", decidedOn: CalendarDay.of(now),
                             validUntil: CalendarDay.adding(months: 12, to: CalendarDay.of(now)))
    }
    _ = try await store.inheritedKeys.create(InheritedKeyFields(name: "Global <checker>", vendor: "Cobalt", state: .on, dependents: [integration.id]),
                                             id: .init(id(7)), by: actor, at: now)
    _ = try await store.tokenRegister.add([RegisteredTokenFields(holder: "Jordan <Lee>", role: .student, createdOn: "2026-09-01")], source: "fixture",
                                          by: actor, at: now, ids: { .init(id(8)) })
    return vendor
}

@Suite("Reports")
struct ReportTests {
    @Test func everyReportMatchesItsGoldenFile() async throws {
        try await withWebApp { h in
            let vendor = try await reportFixture(h)
            let browser = try await h.signedIn(.procurement)
            for (path, name) in [("/reports/vendors/\(vendor.id)", "packet.html"), ("/reports/portfolio", "portfolio.html"),
                                 ("/reports/renewals", "renewals.html"), ("/reports/hygiene", "hygiene.html")] {
                let response = try await browser.get(path)
                #expect(response.status == .ok)
                try expectGolden(response.text, "reports/" + name)
            }
        }
    }

    @Test func reportsEscapeEverythingTheyShowAndDownloadAsOneFile() async throws {
        try await withWebApp { h in
            let nasty = "<script>alert(\"x\")</script> & “Ünïcode” 'q'"
            let vendor = try await reportFixture(h, vendorName: nasty, contractTitle: "<img src=x onerror=alert(1)>")
            let browser = try await h.signedIn(.procurement)
            for path in ["/reports/vendors/\(vendor.id)", "/reports/portfolio", "/reports/renewals", "/reports/hygiene", "/reports"] {
                let html = try await browser.get(path).text
                #expect(!html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<logs>") && !html.contains("<school official>"), "\(path)")
            }
            let packet = try await browser.get("/reports/vendors/\(vendor.id)").text
            #expect(packet.contains("&lt;script&gt;alert(") && packet.contains("&amp; “Ünïcode”"), "escaped, and unicode kept as it is")
            let download = try await browser.get("/reports/vendors/\(vendor.id)?download=1")
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"vendor-review-packet-script-alert-x-script") == true)
            #expect(!download.text.contains("<link") && !download.text.contains("<script"), "self-contained: no external styles or scripts")
        }
    }

    @Test func thePacketOpensWithASummaryNamesTheInstitutionAndWarnsOfAnUndocumentedContract() async throws {
        try await withWebApp(configure: { $0.institutionName = "Northfield University" }) { h in
            let vendor = try await reportFixture(h)
            // A second contract, signed, with no document attached.
            _ = try await h.app.store.contracts.create(ContractFields(title: "Data processing addendum", kind: .dataPrivacyAgreement, status: .signed,
                                                                      signedOn: "2026-06-01", startsOn: "2026-06-01"),
                                                       vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let browser = try await h.signedIn(.procurement)
            let packet = try await browser.get("/reports/vendors/\(vendor.id)").text
            let summary = try #require(packet.firstMatch(of: /<p class="summary[^"]*" id="summary">([^<]*)<\/p>/)?.1)
            #expect(summary.hasPrefix("Not recommended yet:") && summary.contains("Overall risk:") && summary.contains("Keys released: 0."))
            #expect(summary.contains("Open conditions: Reader"), "\(summary)")
            #expect(summary.contains("“Data processing addendum” has no document attached"))
            #expect(packet.contains("Warning: Signed, but no document is attached"))
            #expect(packet.contains("Northfield University") && packet.contains("counter(page)"), "the institution and page numbers on every printed page")
            #expect(packet.contains("Does the product conform to WCAG 2.1 level AA?") && !packet.contains("Missing: VR-"), "questions by their text")
            #expect(packet.contains("id=\"download-report\""))
            let download = try await browser.get("/reports/vendors/\(vendor.id)?download=1").text
            #expect(!download.contains("href=\"/"), "no links back into the app in the downloaded file")
            let portfolio = try await browser.get("/reports/portfolio").text
            #expect(portfolio.contains("<th>Gate</th><th>Keys</th>") && portfolio.contains("10 unmet") && portfolio.contains("none on"))
        }
    }

    /// Gates evaluated together give exactly what each evaluated alone gives: met, unmet for many reasons,
    /// and an integration of a vendor without a contract.
    @Test(arguments: TestEngine.available)
    func gatesEvaluatedTogetherMatchEachEvaluatedAlone(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            _ = try await reportFixture(h)
            let ready = try await makeReady(h)
            let other = try await h.app.store.vendors.create(VendorFields(name: "No Contract Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.integrations.create(IntegrationFields(name: "Lonely", kind: .lti13, installLevel: .course, purpose: "p", classification: .internal),
                                                          vendorID: other.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let all = try await h.app.store.integrations.all()
            #expect(all.count >= 3)
            let together = try await h.app.operations.gates.evaluateAll(all)
            #expect(together.count == all.count)
            for integration in all {
                #expect(together[integration.id] == (try await h.app.operations.gates.evaluate(integration)), "\(integration.fields.name)")
            }
            #expect(together[ready.id]?.isMet == true && together.values.contains { !$0.isMet })
        }
    }

    /// The portfolio counts every integration in its charts but lists one page of 100, with a pager.
    @Test func thePortfolioIsPaged() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Many Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            for n in 0..<120 {
                _ = try await h.app.store.integrations.create(
                    IntegrationFields(name: String(format: "Tool %03d", n), kind: n % 2 == 0 ? .lti13 : .apiDeveloperKey, installLevel: .course, purpose: "p",
                                      classification: .internal), vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            }
            let browser = try await h.signedIn(.procurement)
            let first = try await browser.get("/reports/portfolio").text
            #expect(first.contains("<p>120 integrations.</p>") && first.contains("1–100 of 120 integrations · page 1 of 2"))
            #expect(first.contains("Tool 099") && !first.contains("Tool 100"))
            #expect(first.contains(">60</text>"), "the charts count all 120: 60 of each kind")
            #expect(first.contains(#"href="/reports/portfolio?page=2" rel="next""#))
            let second = try await browser.get("/reports/portfolio?page=2&download=1")
            #expect(second.text.contains("Tool 119") && !second.text.contains("Tool 099") && second.text.contains("101–120 of 120"))
            #expect(try await browser.get("/reports/portfolio?page=99999999999").status == .ok)
        }
    }

    @Test func aBrokenOverrideStopsStartUpNamingTheFile() async throws {
        let overrides = NSTemporaryDirectory() + "vr-overrides-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: overrides + "reports", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: overrides) }
        try "#extend(\"layouts/report\"):\n#export(\"report\"):\n<p>Institution portfolio</p>\n#endexport\n#endextend\n"
            .write(toFile: overrides + "reports/portfolio.leaf", atomically: true, encoding: .utf8)
        try await withWebApp(configure: { $0.templatesDirectory = overrides }) { h in
            let html = try await (try await h.signedIn(.procurement)).get("/reports/portfolio").text
            #expect(html.contains("Institution portfolio"), "the override is used")
            #expect(try await (try await h.signedIn(.procurement)).get("/reports/hygiene").text.contains("Released keys needing attention"), "others fall back")
        }
        try "#extend(\"layouts/report\"):\n#export(\"report\"):\n#if(x):\n<p>never closed</p>\n#endexport\n#endextend\n".write(toFile: overrides + "reports/hygiene.leaf", atomically: true, encoding: .utf8)
        await #expect(throws: TemplateCheck.Broken.self) {
            try await withWebApp(configure: { $0.templatesDirectory = overrides }) { _ in }
        }
        do {
            try await withWebApp(configure: { $0.templatesDirectory = overrides }) { _ in }
        } catch let error as TemplateCheck.Broken {
            #expect(error.description.contains(overrides + "reports/hygiene.leaf"))
        }
    }
}
