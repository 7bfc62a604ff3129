import Domain
import Foundation
import Testing

@Suite("Spreadsheet XML parts")
struct SpreadsheetXMLTests {
    @Test func sharedStringsJoinRichTextRunsAndSkipPhoneticOnes() throws {
        let xml = #"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Plain</t></si><si><r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>IGNORED</t></rPh></si><si><t xml:space="preserve">  spaced &amp; escaped  </t></si></sst>"#
        #expect(try SpreadsheetXML.sharedStrings(Array(xml.utf8)) == ["Plain", "Rich text", "  spaced & escaped  "])
    }

    @Test func cellsOfEveryTypeAreReadAtTheirReferenceOrAfterTheCellBefore() throws {
        let xml = #"<worksheet><sheetData><row r="2"><c r="A2" t="s"><v>1</v></c><c t="inlineStr"><is><t>inline</t></is></c><c r="D2" t="str"><f>A1</f><v>formula</v></c><c r="E2" t="b"><v>1</v></c><c r="F2"><v>4.5</v></c><c r="G2" t="e"><v>#N/A</v></c><c r="H2" t="s"><v>0</v></c></row><row><c><v>7</v></c></row></sheetData></worksheet>"#
        let cells = try SpreadsheetXML.cells(Array(xml.utf8), part: "sheet", shared: ["  ", "shared"])
        #expect(cells == [
            SpreadsheetCell(row: 2, column: 1, text: "shared"), SpreadsheetCell(row: 2, column: 2, text: "inline"),
            SpreadsheetCell(row: 2, column: 4, text: "formula"), SpreadsheetCell(row: 2, column: 5, text: "TRUE"),
            SpreadsheetCell(row: 2, column: 6, text: "4.5"), SpreadsheetCell(row: 3, column: 1, text: "7"),
        ])
    }

    @Test func referencesAreColumnLettersThenRowDigits() {
        #expect(SpreadsheetXML.reference("A1")! == (1, 1))
        #expect(SpreadsheetXML.reference("AB12")! == (12, 28))
        #expect(SpreadsheetXML.reference("XFD1048576")! == (1_048_576, 16_384))
        for bad in ["", "A", "12", "1A", "A1B", "a1", "XFE1", "A1048577", "A-1"] { #expect(SpreadsheetXML.reference(bad) == nil, "\(bad)") }
    }

    @Test(arguments: [
        ("doctype", #"<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>"#, "DOCTYPE"),
        ("doctype in lower case", #"<?xml version="1.0"?><!doctype x><worksheet/>"#, "DOCTYPE"),
        ("entity alone", #"<worksheet><!EnTiTy a "b"></worksheet>"#, "DOCTYPE"),
        ("instruction after a byte-order mark and the declaration", "\u{FEFF}<?xml version=\"1.0\"?><worksheet><?x y?></worksheet>", "processing instruction"),
        ("instruction inside the declaration", #"<?xml version="1.0" <?x?>?><worksheet/>"#, "processing instruction"),
        ("processing instruction", #"<?xml version="1.0"?><?pi?><worksheet/>"#, "processing instruction"),
        ("utf-16", "\u{FEFF}<worksheet/>", nil),
        ("not closed", "<worksheet><sheetData>", "not well-formed"),
        ("bad reference", #"<worksheet><sheetData><row><c r="1A"><v>1</v></c></row></sheetData></worksheet>"#, "cell reference"),
        ("bad row", #"<worksheet><sheetData><row r="0"><c><v>1</v></c></row></sheetData></worksheet>"#, "row number"),
        ("missing shared string", #"<worksheet><sheetData><row><c t="s"><v>9</v></c></row></sheetData></worksheet>"#, "shared string 9"),
    ])
    func hostileOrDamagedPartsAreRefusedWithTheReason(name: String, xml: String, words: String?) {
        let bytes = name == "utf-16" ? Array(xml.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } : Array(xml.utf8)
        do {
            _ = try SpreadsheetXML.cells(bytes, part: "xl/worksheets/sheet1.xml", shared: [])
            Issue.record("\(name) was accepted")
        } catch let error as SpreadsheetError {
            if let words { #expect(error.description.contains(words), "\(name): \(error.description)") }
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func theByteSearchFindsASCIIMarkupWithOrWithoutCase() {
        let bytes = Array("ab<!DocType>".utf8)
        #expect(XMLSafety.find(Array("<!DOCTYPE".utf8), in: bytes) == 2)
        #expect(XMLSafety.find(Array("<!DOCTYPE".utf8), in: bytes, ignoringCase: false) == nil)
        #expect(XMLSafety.find(Array("ab".utf8), in: bytes, from: 1) == nil)
        #expect(XMLSafety.find(Array("x".utf8), in: []) == nil && XMLSafety.find([], in: bytes) == nil)
        #expect(XMLSafety.problem(Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst/>"#.utf8), what: "p") == nil, "a plain declaration passes")
    }

    @Test func deepNestingIsRefused() {
        let xml = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(throws: SpreadsheetError.self) { try SpreadsheetXML.cells(Array(xml.utf8), part: "p", shared: []) }
    }

    @Test func theSheetListNamesEachSheetsRelationship() throws {
        let xml = #"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="One" sheetId="1" r:id="rId1"/><sheet name="Two" sheetId="2" r:id="rId7"/></sheets></workbook>"#
        let sheets = try SpreadsheetXML.sheets(Array(xml.utf8))
        #expect(sheets.map(\.name) == ["One", "Two"])
        #expect(sheets.map(\.relationship) == ["rId1", "rId7"])
        let rels = #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#
        #expect(try SpreadsheetXML.relationships(Array(rels.utf8)) == ["rId1": "worksheets/sheet1.xml"])
    }
}

/// Sheets as `WorkbookArchive` hands them over, written row by row.
func sheet(_ name: String, _ rows: [[String]]) -> SpreadsheetSheet {
    SpreadsheetSheet(name: name, cells: rows.enumerated().flatMap { r, row in
        row.enumerated().compactMap { c, text in text.isEmpty ? nil : SpreadsheetCell(row: r + 1, column: c + 1, text: text) }
    })
}

let startSheet = sheet("START HERE", [["HECVAT 4.1.2 — Higher Education Community Vendor Assessment Toolkit"]])

/// Routing: cloud, UI, AI, personal data yes; the rest no.
let routingRows: [[String]] = [
    ["REQU-01", "Cloud product?", "Yes"], ["REQU-02", "User interface?", "Yes"], ["REQU-03", "Consulting?", "No"], ["REQU-04", "Does it include AI features?", "Yes"],
    ["REQU-05", "PHI?", "No"], ["REQU-06", "Card data?", "No"], ["REQU-07", "On premises?", "No"], ["REQU-08", "Personal data?", "Yes"],
]

let bank = HECVATBank(
    routing: [("REQU-01", "Cloud"), ("REQU-02", "UI"), ("REQU-04", "AI"), ("REQU-05", "PHI"), ("REQU-08", "Personal data")],
    sections: [HECVATSection(prefix: "COMP", title: "Company", appliesWhen: []), HECVATSection(prefix: "DATA", title: "Data", appliesWhen: ["REQU-08"]),
               HECVATSection(prefix: "HIPA", title: "HIPAA", appliesWhen: ["REQU-05"]), HECVATSection(prefix: "AIQU", title: "AI", appliesWhen: ["REQU-04"])],
    rules: [HECVATRule(id: "COMP-01", weight: .standard, preferred: .yes), HECVATRule(id: "DATA-01", weight: .critical, preferred: .yes),
            HECVATRule(id: "DATA-02", weight: .minor, preferred: .no), HECVATRule(id: "DATA-03", weight: .standard, preferred: .yes),
            HECVATRule(id: "DATA-04", weight: .critical, preferred: .yes), HECVATRule(id: "HIPA-01", weight: .critical, preferred: .yes),
            HECVATRule(id: "AIQU-01", weight: .critical, preferred: .no)],
    mappings: [HECVATMapping(hecvatID: "REQU-04", words: ["AI"], questionnaireID: "ai_use", questionID: "VR-AI-01", values: [.yes: ["yes"], .no: ["no"]]),
               HECVATMapping(hecvatID: "AIQU-01", words: ["train*"], questionnaireID: "ai_use", questionID: "VR-AI-05", values: [.yes: ["yes"], .no: ["no"]]),
               HECVATMapping(hecvatID: "DATA-03", words: ["WCAG"], questionnaireID: "accessibility", questionID: "VR-A11Y-05", values: [.yes: ["fully"], .no: ["does_not"]]),
               HECVATMapping(hecvatID: "DATA-04", words: ["school official"], questionnaireID: "ferpa", questionID: "VR-FERPA-02", values: [.yes: ["yes"], .no: ["no"]])])

func workbook(_ rows: [[String]]) throws -> HECVATWorkbook {
    try HECVATWorkbook.read([startSheet, sheet("Questions", [["ID", "Question", "Answer", "Additional Information"]] + routingRows + rows)])
}

@Suite("HECVAT workbooks")
struct HECVATWorkbookTests {
    @Test func questionsAreReadUnderTheHeaderRowWithTheVersionTheWorkbookStates() throws {
        let read = try HECVATWorkbook.read([
            startSheet,
            sheet("Organization", [["", "Question", "", "Answer", "Additional Information"], ["GNRL-01", "Vendor name", "guidance", "Acme", "HQ in Ohio"]] + routingRows.map { [$0[0], $0[1], "", $0[2]] }),
            sheet("Analyst Report", [["GNRL-01", "Vendor name", "ANALYST COPY"]]),
        ])
        #expect(read.version == "4.1.2")
        #expect(read.answers.count == 9)
        let name = try #require(read.answer("GNRL-01"))
        #expect(name == HECVATAnswer(id: "GNRL-01", question: "Vendor name", answer: "Acme", additional: "HQ in Ohio", sheet: "Organization"))
        #expect(read.answer("REQU-04")?.response == .yes)
    }

    @Test func withoutAHeaderTheCellsRightOfTheIDAreQuestionAnswerAndAdditionalInformation() throws {
        let read = try HECVATWorkbook.read([sheet("Sheet1", [["Version", "4.03"]] + routingRows + [["DATA-01", "Encrypted at rest?", "No", "planned"]])])
        #expect(read.version == "4.03")
        #expect(read.answer("DATA-01") == HECVATAnswer(id: "DATA-01", question: "Encrypted at rest?", answer: "No", additional: "planned", sheet: "Sheet1"))
    }

    @Test func idsAreFourCapitalsADashAndTwoOrThreeDigits() {
        for good in ["GNRL-01", "REQU-08", "DATA-123"] { #expect(HECVATWorkbook.isQuestionID(good)) }
        for bad in ["GNRL01", "gnrl-01", "GNR-01", "GNRLX-01", "GNRL-1", "GNRL-1234", "GNRL-0A", ""] { #expect(!HECVATWorkbook.isQuestionID(bad), "\(bad)") }
    }

    @Test(arguments: [
        ("not HECVAT", [sheet("Budget", [["Item", "Cost"], ["Laptops", "1200"]])], "not a HECVAT workbook"),
        ("no version", [sheet("Q", routingRows)], "does not say which HECVAT version"),
        ("HECVAT 3", [sheet("Start", [["HECVAT Full 3.06"]]), sheet("Q", routingRows)], "This is HECVAT 3.06"),
        ("no questions", [startSheet], "no sheet holds question ids"),
        ("no routing", [startSheet, sheet("Q", [["DATA-01", "Encrypted?", "Yes"]])], "no routing questions"),
    ])
    func anythingElseIsRefusedNamingWhatWasWrong(name: String, sheets: [SpreadsheetSheet], words: String) {
        #expect(throws: SpreadsheetError.self, "\(name)") { try HECVATWorkbook.read(sheets) }
        do { _ = try HECVATWorkbook.read(sheets) } catch { #expect("\(error)".contains(words), "\(name): \(error)") }
    }

    @Test func answersAreReducedToWhatScoringCompares() {
        #expect(HECVATResponse(" YES ") == .yes)
        #expect(HECVATResponse("n") == .no)
        #expect(HECVATResponse("N/A") == .notApplicable)
        #expect(HECVATResponse("Not applicable") == .notApplicable)
        #expect(HECVATResponse("") == .unanswered)
        #expect(HECVATResponse("We use AES-256") == .other)
    }
}

@Suite("HECVAT scoring")
struct HECVATScoringTests {
    let rows: [[String]] = [
        ["COMP-01", "Security officer?", "Yes"],
        ["DATA-01", "Encrypted at rest?", "No", "next year"],
        ["DATA-02", "Stored abroad?", "N/A"],
        ["DATA-03", "WCAG conformance?", "Yes"],
        ["DATA-04", "Act as a school official?", ""],
        ["HIPA-01", "Sign a BAA?", "No"],
        ["AIQU-01", "Do you train models on institutional data?", "No"],
        ["GNRL-01", "Vendor name", "Acme"],
    ]

    @Test func inScopeQuestionsEarnTheirWeightWhenAnsweredAsPreferred() throws {
        let score = HECVATScore(try workbook(rows), bank: bank, policy: HECVATPolicy())
        func outcome(_ id: String) -> HECVATOutcome? { score.items.first { $0.answer.id == id }?.outcome }
        #expect(outcome("COMP-01") == .met)
        #expect(outcome("DATA-01") == .notMet)
        #expect(outcome("DATA-02") == .notApplicable)
        #expect(outcome("DATA-04") == .notMet, "a blank answer earns nothing")
        #expect(outcome("HIPA-01") == .outOfScope, "REQU-05 (PHI) is No")
        #expect(outcome("GNRL-01") == .unscored)
        #expect(!score.items.contains { $0.answer.section == "REQU" })
        // COMP 10/10; DATA: 01 0/20, 03 10/10, 04 0/20 (02 N/A); AIQU 20/20; HIPAA none.
        #expect(score.earned == 40)
        #expect(score.possible == 80)
        #expect(score.percent == 50)
        let data = try #require(score.sections.first { $0.prefix == "DATA" })
        #expect((data.earned, data.possible, data.notMet, data.percent) == (10, 50, 2, 20))
        let hipaa = try #require(score.sections.first { $0.prefix == "HIPA" })
        #expect(!hipaa.applies && hipaa.possible == 0 && hipaa.percent == nil)
        #expect(score.sections.map(\.prefix) == ["COMP", "DATA", "HIPA", "AIQU", "GNRL"])
        #expect(score.routing.first { $0.id == "REQU-05" }?.answer == .no)
        #expect(score.attention.map(\.answer.id) == ["DATA-01", "DATA-04"], "Critical first")
    }

    @Test func thePolicyChangesWeightsAndPutsNonNegotiablesFirst() throws {
        let policy = HECVATPolicy(weights: ["COMP-01": .critical, "DATA-01": .minor], nonNegotiable: ["DATA-01", "GNRL-01"])
        let score = HECVATScore(try workbook(rows + [["COMP-02", "Unscored", "x"]]), bank: bank, policy: policy)
        // COMP-01 now 20/20, DATA-01 0/5.
        #expect(score.earned == 50)
        #expect(score.possible == 75)
        #expect(score.attention.map(\.answer.id) == ["DATA-01", "DATA-04"])
        #expect(score.attention.first?.nonNegotiable == true)
        #expect(score.unmetNonNegotiable.map(\.answer.id) == ["DATA-01"], "an unscored question cannot be non-negotiable")
        let report = try #require(HECVATReport(history: [stored(1, try workbook(rows))], bank: bank, policy: policy))
        #expect(report.unmetNonNegotiable == ["DATA-01 answered “No” (Yes required)"])
    }

    @Test func thePreferredAnswerMayBeNo() throws {
        let yes = HECVATScore(try workbook([["AIQU-01", "Train models?", "Yes"]]), bank: bank, policy: HECVATPolicy())
        #expect(yes.items.first?.outcome == .notMet)
        #expect(yes.attention.first?.preferred == .no)
    }

    @Test func weightsAreTwentyTenAndFivePoints() {
        #expect(HECVATWeight.allCases.map(\.points) == [20, 10, 5])
        #expect(HECVATWeight.minor < .critical)
    }
}

func stored(_ number: Int, _ workbook: HECVATWorkbook) -> StoredHECVAT {
    StoredHECVAT(integrationID: .init(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!), number: number, workbook: workbook,
                 filename: "hecvat-\(number).xlsx", sha256: String(repeating: "a", count: 64), importedBy: "Ana", importedAt: Date(timeIntervalSince1970: 1_800_000_000))
}

@Suite("HECVAT year over year, and answers carried into our questionnaires")
struct HECVATComparisonTests {
    @Test func aNewerWorkbookShowsWhichAnswersChanged() throws {
        let earlier = try workbook([["DATA-01", "Encrypted?", "No", "next year"], ["DATA-02", "Abroad?", "No"], ["DATA-03", "Old question", "Yes"]])
        let later = try workbook([["DATA-01", "Encrypted?", "yes", "since March"], ["DATA-02", "Abroad?", "No", "EU region"], ["DATA-04", "New?", "Yes"]])
        let changes = HECVATChange.between(earlier, later)
        #expect(changes.map(\.id) == ["DATA-01", "DATA-02", "DATA-04", "DATA-03"])
        #expect(changes.map(\.kind) == [.changed, .changed, .added, .removed])
        #expect(changes[0].before == "No" && changes[0].after == "yes" && !changes[0].onlyAdditional)
        #expect(changes[1].onlyAdditional)
        #expect(HECVATChange.between(later, later).isEmpty)
        let report = try #require(HECVATReport(history: [stored(2, later), stored(1, earlier)], bank: bank, policy: HECVATPolicy()))
        #expect(report.previous?.number == 1)
        #expect(report.changes == changes)
        #expect(HECVATReport(history: [], bank: bank, policy: HECVATPolicy()) == nil)
    }

    @Test func mappedAnswersAreCarriedOnlyWhenTheWordingMatches() throws {
        let read = try workbook([
            ["AIQU-01", "Is institutional data used to train AI models?", "No"],
            ["DATA-03", "Does the product conform to WCAG 2.1 AA?", "No"],
            // Renumbered in this workbook: DATA-04 asks something else now.
            ["DATA-04", "Do you keep audit logs?", "Yes"],
        ])
        let carried = HECVATCarried(read, bank: bank)
        #expect(carried.values.map(\.questionID) == ["VR-AI-01", "VR-AI-05", "VR-A11Y-05"])
        #expect(carried.values.map(\.values) == [["yes"], ["no"], ["does_not"]])
        #expect(carried.values.map(\.hecvatID) == ["REQU-04", "AIQU-01", "DATA-03"])
        #expect(carried.skipped.map(\.hecvatID) == ["DATA-04"])
        #expect(carried.skipped.first?.reason.contains("school official") == true)
    }

    @Test func anAnswerThatIsNeitherYesNorNoIsNotCarried() throws {
        let carried = HECVATCarried(try workbook([["AIQU-01", "Do you train models?", "Only with consent"], ["DATA-03", "WCAG?", ""]]), bank: bank)
        #expect(carried.values.map(\.hecvatID) == ["REQU-04"])
        #expect(carried.skipped.map(\.hecvatID) == ["AIQU-01"], "a blank answer is simply not carried")
    }

    @Test func wordsMatchWholeWordsOrTheStartOfOneWithAStar() {
        let mapping = HECVATMapping(hecvatID: "PRGN-01", words: ["school official", "certif*"], questionnaireID: "q", questionID: "x", values: [.yes: ["yes"]])
        func answer(_ text: String) -> HECVATAnswer { HECVATAnswer(id: "PRGN-01", question: text, answer: "Yes", additional: "", sheet: "s") }
        #expect(mapping.matches(answer("Will you certify, as a School Official, ...?")))
        #expect(mapping.matches(answer("Certification: school-official status")))
        #expect(!mapping.matches(answer("Will you certify as an official of the school?")), "the phrase's words in order")
        #expect(!mapping.matches(answer("Will you recertify as a school official?")), "a star matches the start of a word only")
        #expect(!HECVATMapping(hecvatID: "REQU-04", words: ["AI"], questionnaireID: "q", questionID: "x", values: [:])
            .matches(HECVATAnswer(id: "REQU-04", question: "Do you maintain backups?", answer: "Yes", additional: "", sheet: "s")))
    }
}

@Suite("HECVAT in the policy and the gate")
struct HECVATPolicyTests {
    @Test func thePolicyReadsOtherWeightsAndNonNegotiables() throws {
        let root = DefinitionNode.mapping([(key: "hecvat", keyLine: 1, value: .mapping([
            (key: "weights", keyLine: 2, value: .mapping([(key: "DATA-01", keyLine: 2, value: .scalar("minor", line: 2))], line: 2)),
            (key: "non_negotiable", keyLine: 3, value: .sequence([.scalar("PRGN-02", line: 3)], line: 3)),
        ], line: 1))], line: 1)
        let policy = try Policy.parse(root, file: "policy.yaml")
        #expect(policy.hecvat == HECVATPolicy(weights: ["DATA-01": .minor], nonNegotiable: ["PRGN-02"]))
        for (key, value) in [("weights", DefinitionNode.mapping([(key: "DATA-1", keyLine: 4, value: .scalar("minor", line: 4))], line: 4)),
                             ("weights", .mapping([(key: "DATA-01", keyLine: 4, value: .scalar("huge", line: 4))], line: 4)),
                             ("non_negotiable", .sequence([.scalar("nope", line: 4)], line: 4)), ("colour", .scalar("x", line: 4))] {
            let bad = DefinitionNode.mapping([(key: "hecvat", keyLine: 1, value: .mapping([(key: key, keyLine: 4, value: value)], line: 1))], line: 1)
            #expect(throws: DefinitionError.self, "\(key)") { try Policy.parse(bad, file: "policy.yaml") }
        }
    }
}
