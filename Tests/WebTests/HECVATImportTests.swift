import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("HECVAT import over HTTP")
struct HECVATImportTests {
    @Test(arguments: TestEngine.available)
    func anAdminImportsAWorkbookThatIsScoredAndCarriedIntoOurQuestionnaires(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            // The vendor answered one shared question itself already: that answer stays.
            let ferpa = try #require(h.app.context.questionnaires.first { $0.id == "ferpa" })
            _ = try await h.app.store.answers.save(["VR-FERPA-03": ["yes"]], questionnaire: ferpa, integration: integration.id, source: .vendor,
                                                   by: .commandLine, at: h.clock.now)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)/hecvat"
            let empty = try await admin.get(page)
            #expect(empty.status == .ok && empty.text.contains(#"id="hecvat-none""#))
            let csrf = try #require(admin.lastCSRF)
            let response = try await admin.postMultipart(page, csrf: csrf, filename: "acme-hecvat.xlsx", bytes: try WorkbookFixture.hecvat().xlsx())
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == page)
            let shown = try await admin.get(page)
            #expect(shown.text.contains("Imported HECVAT 4.1.2 workbook #1 (29 questions): 91% (220 of 240 points)."), "\(shown.text.range(of: #"id="flash">[^<]*"#, options: .regularExpression).map { String(shown.text[$0]) } ?? "")")
            #expect(shown.text.contains("10 answers carried into our questionnaires. 1 question answered here already was left as answered."))
            // What needs attention comes first: the two Standard answers not met.
            let attention = try #require(shown.text.range(of: #"id="hecvat-attention""#).map { String(shown.text[$0.lowerBound...].prefix(2_000)) })
            #expect(attention.contains("DOCU-01") && attention.contains("ITAC-02") && !attention.contains("DATA-01"))
            #expect(shown.text.contains("Section does not apply"), "HIPAA and card data are out of scope by the routing answers")

            // Carried answers count like our own, marked as from HECVAT; the vendor's own answer is kept.
            let answers = try await h.app.store.answers.answers(integration.id)
            let carried = answers.filter { $0.source == .hecvat }
            #expect(carried.count == 10)
            #expect(carried.first { $0.questionID == "VR-FERPA-02" }?.origin == "HECVAT PRGN-01")
            #expect(carried.first { $0.questionID == "VR-A11Y-05" }?.values == ["does_not"])
            #expect(answers.first { $0.questionID == "VR-FERPA-03" }?.source == .vendor)
            #expect(try await h.app.store.answers.awaitingMark().contains { $0.questionID == "VR-AI-01" && $0.source == .hecvat },
                    "a reviewer looks at carried answers like vendor answers")
            let questionnaire = try await admin.get("/integrations/\(integration.id)/questionnaires/ai_use")
            #expect(questionnaire.text.contains("from HECVAT REQU-04"))
            let panel = try await admin.get("/integrations/\(integration.id)")
            #expect(panel.text.contains(#"id="hecvat-summary""#) && panel.text.contains("91% (220 of 240 points)"))

            // A newer workbook: what changed is shown, and the carried answers follow it.
            let newer = WorkbookFixture.hecvat(version: "4.1.3", answers: ["DOCU-01": "Yes", "AIQU-01": "Yes"], additional: ["DATA-01": "AES-256"])
            let second = try await admin.postMultipart(page, csrf: csrf, filename: "acme-hecvat-2027.xlsx", bytes: try newer.xlsx())
            #expect(second.status == .seeOther)
            let compared = try await admin.get(page)
            #expect(compared.text.contains("3 changes since workbook #1"))
            let changes = try #require(compared.text.range(of: #"id="hecvat-changes""#).map { String(compared.text[$0.lowerBound...].prefix(3_000)) })
            #expect(changes.contains("DOCU-01") && changes.contains("AIQU-01") && changes.contains("additional information changed"))
            #expect(try await h.app.store.answers.answers(integration.id).first { $0.questionID == "VR-AI-05" }?.values == ["yes"])
            #expect(try await h.app.store.hecvat.history(integration.id).map(\.number) == [2, 1])
            let audit = try await h.app.store.audit.list(AuditQuery(entityType: "integration", action: "hecvat_import")).items
            #expect(audit.count == 2 && audit.contains { $0.summary.contains("ferpa VR-FERPA-02 from PRGN-01") && $0.summary.contains("kept: ferpa VR-FERPA-03") })
        }
    }

    @Test(arguments: TestEngine.available)
    func damagedHostileOrForeignWorkbooksAreRefusedWithTheReasonAndStoreNothing(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)/hecvat"
            _ = try await admin.get(page)
            let csrf = try #require(admin.lastCSRF)
            let good = try WorkbookFixture.hecvat().xlsx()
            var corrupted = good
            // A byte inside the questions sheet's compressed data: the archive opens, the part does not inflate or check.
            let name = Array("xl/worksheets/sheet2.xml".utf8)
            let header = try #require(Self.localHeader(of: name, in: good))
            let extra = Int(good[header + 28]) | Int(good[header + 29]) << 8
            corrupted[header + 30 + name.count + extra + 40] ^= 0xFF
            var doctype = WorkbookFixture.hecvat()
            doctype.extraParts["xl/sharedStrings.xml"] = Array(#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]><sst><si><t>&x;</t></si></sst>"#.utf8)
            var bomb = WorkbookFixture.hecvat()
            bomb.extraParts["xl/worksheets/sheet2.xml"] = Array(repeating: UInt8(ascii: " "), count: 20 * 1_048_576)
            let many = try WorkbookFixture.zip((0...1_000).map { ("part\($0).xml", Array("<a/>".utf8)) })
            let cases: [(String, [UInt8], String)] = [
                ("empty", [], "completed HECVAT workbook (.xlsx)"),
                ("csv", Array("ID,Question,Answer\nDATA-01,Encrypted?,Yes\n".utf8), "not an .xlsx workbook"),
                ("xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 100), "Excel 97–2003"),
                ("truncated", Array(good.prefix(good.count / 2)), "damaged"),
                ("corrupted", corrupted, "damaged"),
                // Found by fuzzing: a directory that points past the end of the file.
                ("read past the end", [UInt8](try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Fuzz/corpus/workbook/regression-memory-archive-read-past-end.xlsx"))),
                 "damaged"),
                // Found by fuzzing ZIPFoundation, which looped for ever on it: a part's compressed data cut short.
                ("deflate cut short", [UInt8](try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Fuzz/corpus/workbook/regression-deflate-cut-short.xlsx"))),
                 "ends before its compressed data does"),
                ("no workbook part", try WorkbookFixture.zip([("word/document.xml", Array("<w/>".utf8))]), "no xl/workbook.xml"),
                ("doctype", try doctype.xlsx(), "refused for safety"),
                ("bomb", try bomb.xlsx(), "ZIP bomb"),
                ("too many parts", many, "more than 1000 parts"),
                ("HECVAT 3", try WorkbookFixture.hecvat(version: "3.06").xlsx(), "This is HECVAT 3.06"),
                ("not HECVAT", try WorkbookFixture(sheets: [.init(name: "Budget", rows: [["Item", "Cost"], ["Laptops", "1200"]])]).xlsx(), "not a HECVAT workbook"),
            ]
            for (name, bytes, words) in cases {
                let response = try await admin.postMultipart(page, csrf: csrf, filename: "\(name).xlsx", bytes: bytes)
                #expect(response.status == .unprocessableEntity, "\(name)")
                let shown = response.text.range(of: #"id="hecvat-error">[^<]*"#, options: .regularExpression).map { String(response.text[$0]) } ?? ""
                #expect(shown.contains(words), "\(name): \(shown)")
            }
            #expect(try await h.app.store.hecvat.history(integration.id).isEmpty)
            #expect(try await h.app.store.answers.answers(integration.id).isEmpty)
            // Inline strings (another way Excel writes text) read the same.
            var inline = WorkbookFixture.hecvat()
            inline.inlineStrings = true
            #expect(try await admin.postMultipart(page, csrf: csrf, filename: "inline.xlsx", bytes: try inline.xlsx()).status == .seeOther)
        }
    }

    /// Where the archive's local header for `name` starts.
    static func localHeader(of name: [UInt8], in bytes: [UInt8]) -> Int? {
        for start in 0..<(bytes.count - 30 - name.count) where bytes[start] == 0x50 && bytes[start + 1] == 0x4B && bytes[start + 2] == 3 {
            if Array(bytes[(start + 30)..<(start + 30 + name.count)]) == name { return start }
        }
        return nil
    }

    @Test func everyRoleReadsOnlyEditorsImportAndFormsNeedTheirToken() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let page = "/integrations/\(integration.id)/hecvat"
            let bytes = try WorkbookFixture.hecvat().xlsx()
            for role in Role.allCases {
                let browser = try await h.signedIn(role)
                #expect(try await browser.get(page).status == .ok, "\(role)")
                let canImport = try await browser.get(page).text.contains(#"id="hecvat-file""#)
                #expect(canImport == Access.editors.allows(role), "\(role)")
                let post = try await browser.postMultipart(page, csrf: try #require(browser.lastCSRF), filename: "h.xlsx", bytes: bytes)
                #expect(post.status == (Access.editors.allows(role) ? .seeOther : .forbidden), "\(role)")
            }
            let admin = try await h.signedIn(.admin)
            _ = try await admin.get(page)
            #expect(try await admin.postMultipart(page, csrf: "forged", filename: "h.xlsx", bytes: bytes).status == .forbidden)
            let anonymous = TestBrowser(app: h.app)
            let redirected = try await anonymous.get(page)
            #expect(redirected.status == .seeOther && redirected.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: TestEngine.available)
    func theAPIImportsAndReportsTheScore(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            let path = "/api/v1/integrations/\(integration.id)/hecvat"
            #expect(try await h.app.testing().sendRequest(.GET, path, headers: bearer(try await h.token(.auditor))).status == .notFound)
            var headers = bearer(try await h.token(.admin))
            headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let put = try await h.app.testing().sendRequest(.PUT, path, headers: headers, body: ByteBuffer(bytes: try WorkbookFixture.hecvat().xlsx()))
            #expect(put.status == .created)
            let body = try json(put)
            #expect(body["earned"] as? Int == 220 && body["possible"] as? Int == 240 && body["percent"] as? Int == 91)
            #expect(body["attention"] as? [String] == ["DOCU-01", "ITAC-02"])
            #expect((body["carried"] as? [[String: Any]])?.count == 11)
            let refused = try await h.app.testing().sendRequest(.PUT, path, headers: headers, body: ByteBuffer(string: "not a workbook"))
            #expect(refused.status == .unprocessableEntity)
            let fields = try (json(refused)["error"] as? [String: Any])?["fields"] as? [String: String]
            #expect(fields?["hecvat"]?.contains("not an .xlsx") == true)
            let read = try await h.app.testing().sendRequest(.GET, path, headers: bearer(try await h.token(.procurement)))
            #expect(read.status == .ok)
            #expect(try json(read)["hecvatVersion"] as? String == "4.1.2")
            var reviewer = bearer(try await h.token(.reviewer))
            reviewer.contentType = headers.contentType
            #expect(try await h.app.testing().sendRequest(.PUT, path, headers: reviewer, body: ByteBuffer(string: "x")).status == .forbidden)
            #expect(try await h.app.testing().sendRequest(.GET, path).status == .unauthorized)
        }
    }

    @Test func aNonNegotiableAnswerHoldsTheGateUntilANewerWorkbookMeetsIt() async throws {
        let data = NSTemporaryDirectory() + "vr-data-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: repositoryRoot + "/data", toPath: data)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let policy = data + "/policy.yaml"
        try String(contentsOfFile: policy, encoding: .utf8).replacingOccurrences(of: "  non_negotiable: []", with: "  non_negotiable: [DOCU-01]")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        try await withWebApp(configure: { $0.dataDirectory = data + "/" }) { h in
            let integration = try await makeReady(h)
            #expect(try await h.app.operations.gates.evaluate(integration).isMet, "no workbook, no HECVAT item")
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)/hecvat"
            _ = try await admin.get(page)
            let csrf = try #require(admin.lastCSRF)
            _ = try await admin.postMultipart(page, csrf: csrf, filename: "h.xlsx", bytes: try WorkbookFixture.hecvat().xlsx())
            let held = try await h.app.operations.gates.evaluate(try #require(try await h.app.store.integrations.find(integration.id)))
            #expect(held.unmet.map(\.id) == ["hecvat"])
            #expect(held.unmet.first?.reason.contains("DOCU-01 answered “No” (Yes required)") == true)
            let shown = try await admin.get(page)
            #expect(shown.text.contains("non-negotiable"))
            let all = try await h.app.operations.gates.evaluateAll([try #require(try await h.app.store.integrations.find(integration.id))])
            #expect(all[integration.id]?.unmet.map(\.id) == ["hecvat"], "the dashboard's batch reads the same")
            _ = try await admin.postMultipart(page, csrf: csrf, filename: "h2.xlsx", bytes: try WorkbookFixture.hecvat(answers: ["DOCU-01": "Yes"]).xlsx())
            #expect(try await h.app.operations.gates.evaluate(try #require(try await h.app.store.integrations.find(integration.id))).isMet)
        }
    }

    @Test func theHECVATPageMatchesItsGoldenFile() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, name: "Quiz <Engine> & Co")
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)/hecvat"
            _ = try await admin.get(page)
            let csrf = try #require(admin.lastCSRF)
            _ = try await admin.postMultipart(page, csrf: csrf, filename: "acme.xlsx", bytes: try WorkbookFixture.hecvat().xlsx())
            let newer = WorkbookFixture.hecvat(version: "4.1.3", answers: ["DOCU-01": "Yes", "ITAC-02": "<script>alert(1)</script>"],
                                               questions: ["PRGN-01": "Do you keep audit logs?"])
            _ = try await admin.postMultipart(page, csrf: csrf, filename: "acme-2027.xlsx", bytes: try newer.xlsx())
            // A reviewer's view (no import form); the ids, digests and the sign-out form's token are placeholders.
            var html = try await h.signedIn(.reviewer).get(page).text
            html = html.replacingOccurrences(of: integration.id.description, with: "INTEGRATION")
            html = html.replacingOccurrences(of: #"name="_csrf" value="[^"]+""#, with: #"name="_csrf" value="CSRF""#, options: .regularExpression)
            html = html.replacingOccurrences(of: #"[0-9a-f]{64}"#, with: "SHA256", options: .regularExpression)
            #expect(!html.contains("<script>alert(1)</script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            try expectGolden(html, "hecvat/show.html")
        }
    }

    @Test func theShippedScoringDataLoadsAndMistakesNameTheLine() throws {
        let questionnaires = try ReferenceData.loadQuestionnaires(dataDirectory: repositoryRoot + "/data/")
        let bank = try ReferenceData.loadHECVATBank(dataDirectory: repositoryRoot + "/data/", questionnaires: questionnaires)
        #expect(bank.routing.map(\.id) == (1...8).map { "REQU-0\($0)" })
        #expect(bank.rules.count >= 30 && bank.mappings.count == 11)
        for bad in ["questions:\n  DATA-01: [huge, yes]\n", "maps:\n  - { hecvat: DATA-01, words: [x], to: ferpa/VR-NOPE, values: { yes: \"yes\" } }\n",
                    "maps:\n  - { hecvat: DATA-01, words: [x], to: ferpa/VR-FERPA-02, values: { yes: maybe } }\n",
                    "sections:\n  DATA: { title: Data, applies_when: [REQU-09] }\n", "colour: red\n"] {
            let directory = NSTemporaryDirectory() + "vr-hecvat-\(UUID().uuidString)/"
            try FileManager.default.createDirectory(atPath: directory + "hecvat", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try bad.write(toFile: directory + ReferenceData.hecvatFile, atomically: true, encoding: .utf8)
            #expect(throws: ReferenceData.LoadError.self, "\(bad)") { try ReferenceData.loadHECVATBank(dataDirectory: directory, questionnaires: questionnaires) }
            do { _ = try ReferenceData.loadHECVATBank(dataDirectory: directory, questionnaires: questionnaires) } catch {
                #expect("\(error)".contains("hecvat4.yaml:"), "\(error)")
            }
        }
    }
}
