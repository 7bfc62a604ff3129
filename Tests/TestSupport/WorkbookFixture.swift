import Foundation
import ZIPFoundation

/// Builds .xlsx workbooks the way Excel writes them (a ZIP of XML parts: content types, the workbook,
/// its relationships, shared strings, one part per sheet), for the HECVAT import tests.
public struct WorkbookFixture: Sendable {
    public struct Sheet: Sendable {
        public var name: String
        /// Each row's cells from column A; "" leaves a cell out.
        public var rows: [[String]]

        public init(name: String, rows: [[String]]) {
            self.name = name
            self.rows = rows
        }
    }

    public var sheets: [Sheet]
    /// Cells as inline strings instead of shared ones (both occur in the wild).
    public var inlineStrings = false
    /// Parts added or replaced as they are (path → bytes), for damaged and hostile workbooks.
    public var extraParts: [String: [UInt8]] = [:]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// A HECVAT 4 workbook in the real id scheme: a start sheet stating the version, the questions with
    /// a header row, and an analyst sheet that repeats some ids (the first occurrence is the vendor's).
    public static func hecvat(version: String = "4.1.2", answers: [String: String] = [:], additional: [String: String] = [:],
                              questions: [String: String] = [:]) -> WorkbookFixture {
        var rows: [[String]] = [["ID", "Question", "Answer", "Additional Information", "Guidance"]]
        for (id, text, answer) in standardQuestions {
            rows.append([id, questions[id] ?? text, answers[id] ?? answer, additional[id] ?? "", "Guidance for \(id)"])
        }
        return WorkbookFixture(sheets: [
            Sheet(name: "START HERE", rows: [["HECVAT \(version) — Higher Education Community Vendor Assessment Toolkit"], ["Version", version]]),
            Sheet(name: "Questions", rows: rows),
            Sheet(name: "Analyst Report", rows: [["ID", "Question", "Answer"], ["DATA-01", "Do you encrypt institutional data at rest?", "ANALYST NOTE"]]),
        ])
    }

    /// Id, question, and the vendor's answer in the standard fixture.
    public static let standardQuestions: [(String, String, String)] = [
        ("GNRL-01", "Vendor name", "Acme Learning"),
        ("GNRL-02", "Product name and version", "Acme Quiz 5"),
        ("REQU-01", "Is the product cloud-hosted?", "Yes"),
        ("REQU-02", "Does the product have a user interface?", "Yes"),
        ("REQU-03", "Are consulting services part of this engagement?", "No"),
        ("REQU-04", "Does the product include AI features?", "Yes"),
        ("REQU-05", "Will the product store or process PHI?", "No"),
        ("REQU-06", "Will the product process payment card data?", "No"),
        ("REQU-07", "Is the product installed on premises?", "No"),
        ("REQU-08", "Will the vendor have access to personal data?", "Yes"),
        ("COMP-01", "Do you have a dedicated security officer?", "Yes"),
        ("COMP-03", "Have you had a breach in the last three years?", "No"),
        ("DOCU-01", "Do you have a SOC 2 Type II report?", "No"),
        ("APPL-01", "Do you perform secure code review?", "Yes"),
        ("AAAI-01", "Do you support SAML or OIDC single sign-on?", "Yes"),
        ("ITAC-01", "Do you have a current VPAT for the product?", "Yes"),
        ("ITAC-02", "Does the product conform to WCAG 2.1 AA?", "No"),
        ("DATA-01", "Do you encrypt institutional data at rest?", "Yes"),
        ("DATA-03", "Are API credentials and keys stored encrypted?", "Yes"),
        ("DATA-05", "Will you certify deletion of institutional data in writing?", "Yes"),
        ("DATA-06", "Is institutional data stored outside the United States?", "N/A"),
        ("PRGN-01", "Will you act as a school official under FERPA?", "Yes"),
        ("PRGN-02", "Do you share institutional data with third parties?", "No"),
        ("PRGN-03", "Is the product directed at children under 13?", "No"),
        ("PRGN-04", "Do you use institutional data for advertising?", "No"),
        ("AIQU-01", "Is institutional data used to train AI models?", "No"),
        ("AIQU-02", "Can the institution disable AI features?", "Yes"),
        ("HIPA-01", "Do you sign a business associate agreement?", "No"),
        ("PCID-01", "Are you PCI DSS compliant?", ""),
    ]

    public func xlsx() throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        var shared: [String] = []
        var index: [String: Int] = [:]
        func sharedIndex(_ text: String) -> Int {
            if let found = index[text] { return found }
            shared.append(text)
            index[text] = shared.count - 1
            return shared.count - 1
        }
        var parts: [(String, String)] = []
        for (number, sheet) in sheets.enumerated() {
            var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            for (r, row) in sheet.rows.enumerated() {
                xml += #"<row r="\#(r + 1)">"#
                for (c, text) in row.enumerated() where !text.isEmpty {
                    let reference = Self.column(c + 1) + String(r + 1)
                    if inlineStrings {
                        xml += #"<c r="\#(reference)" t="inlineStr"><is><t>\#(Self.escape(text))</t></is></c>"#
                    } else {
                        xml += #"<c r="\#(reference)" t="s"><v>\#(sharedIndex(text))</v></c>"#
                    }
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            parts.append(("xl/worksheets/sheet\(number + 1).xml", xml))
        }
        var workbook = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        var rels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for (number, sheet) in sheets.enumerated() {
            workbook += #"<sheet name="\#(Self.escape(sheet.name))" sheetId="\#(number + 1)" r:id="rId\#(number + 1)"/>"#
            rels += #"<Relationship Id="rId\#(number + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(number + 1).xml"/>"#
        }
        workbook += "</sheets></workbook>"
        rels += #"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        var strings = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(shared.count)" uniqueCount="\#(shared.count)">"#
        for text in shared { strings += "<si><t xml:space=\"preserve\">\(Self.escape(text))</t></si>" }
        strings += "</sst>"
        let types = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#
        var all: [(String, [UInt8])] = [("[Content_Types].xml", Array(types.utf8)), ("xl/workbook.xml", Array(workbook.utf8)),
                                        ("xl/_rels/workbook.xml.rels", Array(rels.utf8)), ("xl/sharedStrings.xml", Array(strings.utf8))]
        all += parts.map { ($0.0, Array($0.1.utf8)) }
        for (path, bytes) in extraParts {
            all.removeAll { $0.0 == path }
            all.append((path, bytes))
        }
        for (path, bytes) in all { try Self.add(path, bytes, to: archive) }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return [UInt8](data)
    }

    /// Adds one deflated part.
    public static func add(_ path: String, _ bytes: [UInt8], to archive: Archive) throws {
        let data = Data(bytes)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    /// A ZIP archive of the given parts, nothing else.
    public static func zip(_ parts: [(String, [UInt8])]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for (path, bytes) in parts { try add(path, bytes, to: archive) }
        return [UInt8](archive.data ?? Data())
    }

    static func column(_ number: Int) -> String {
        var n = number
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
