import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One cell of a worksheet as its text: a shared string, an inline string, a formula's cached result
/// or a number as written. Rows and columns count from 1.
public struct SpreadsheetCell: Equatable, Sendable {
    public let row: Int
    public let column: Int
    public let text: String

    public init(row: Int, column: Int, text: String) {
        self.row = row
        self.column = column
        self.text = text
    }
}

/// A worksheet's name and cells, in the workbook's order.
public struct SpreadsheetSheet: Equatable, Sendable {
    public let name: String
    public let cells: [SpreadsheetCell]

    public init(name: String, cells: [SpreadsheetCell]) {
        self.name = name
        self.cells = cells
    }
}

/// Why a spreadsheet part could not be read, in words for the person who uploaded it.
public struct SpreadsheetError: Error, Equatable, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The XML parts of an Office Open XML workbook (.xlsx) that hold text: the sheet list
/// (`xl/workbook.xml`), its relationships, the shared strings and each worksheet. Read with XMLParser
/// after `XMLSafety`; a part is bounded in cells, strings and nesting.
public enum SpreadsheetXML {
    public static let maxCells = 200_000
    public static let maxStrings = 200_000
    public static let maxTextLength = 32_767 // Excel's own limit for one cell
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    static let maxDepth = 24

    /// `xl/workbook.xml`: each sheet's name and relationship id, in order.
    public static func sheets(_ bytes: [UInt8]) throws -> [(name: String, relationship: String)] {
        let reader = try parse(bytes, part: "xl/workbook.xml", into: SheetListReader())
        return reader.sheets
    }

    /// A `.rels` part: relationship id → target path.
    public static func relationships(_ bytes: [UInt8]) throws -> [String: String] {
        try parse(bytes, part: "xl/_rels/workbook.xml.rels", into: RelationshipReader()).targets
    }

    /// `xl/sharedStrings.xml`: the strings cells refer to by index (rich text joined).
    public static func sharedStrings(_ bytes: [UInt8]) throws -> [String] {
        try parse(bytes, part: "xl/sharedStrings.xml", into: SharedStringReader()).strings
    }

    /// A worksheet's non-empty cells.
    public static func cells(_ bytes: [UInt8], part: String, shared: [String]) throws -> [SpreadsheetCell] {
        try parse(bytes, part: part, into: CellReader(shared: shared)).cells
    }

    /// "B12" → (12, 2); nil for anything else.
    public static func reference(_ text: String) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var seenDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !seenDigit:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                if column > maxColumns { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                if row > maxRows { return nil }
            default:
                return nil
            }
        }
        return column > 0 && row > 0 ? (row, column) : nil
    }

    private static func parse<R: PartReader>(_ bytes: [UInt8], part: String, into reader: R) throws -> R {
        if let problem = XMLSafety.problem(bytes, what: "The workbook part \(part)") { throw SpreadsheetError(problem) }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let ok = parser.parse()
        if let problem = reader.problem { throw SpreadsheetError("\(part): \(problem)") }
        guard ok else { throw SpreadsheetError("\(part) is not well-formed XML (line \(parser.lineNumber)).") }
        return reader
    }

    /// The checks every part reader shares: depth, well-formedness, entity declarations.
    class PartReader: NSObject, XMLParserDelegate {
        var problem: String?
        var depth = 0
        var names: [String] = []

        func fail(_ parser: XMLParser, _ message: String) {
            if problem == nil { problem = message }
            parser.abortParsing()
        }

        func start(_ parser: XMLParser, _ name: String, _ attributes: [String: String]) {}
        func end(_ parser: XMLParser, _ name: String) {}
        func characters(_ string: String) {}

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            guard problem == nil else { return }
            depth += 1
            if depth > SpreadsheetXML.maxDepth { return fail(parser, "nested more than \(SpreadsheetXML.maxDepth) levels deep.") }
            names.append(name)
            start(parser, name, attributes)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard problem == nil else { return }
            depth -= 1
            guard names.popLast() == name else { return fail(parser, "not well-formed XML (line \(parser.lineNumber)).") }
            end(parser, name)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if problem == nil { characters(string) }
        }

        func parserDidEndDocument(_ parser: XMLParser) {
            if !names.isEmpty && problem == nil { problem = "not well-formed XML: <\(names.last!)> is never closed." }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if problem == nil { problem = "not well-formed XML (line \(parser.lineNumber))." }
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            fail(parser, "it declares an external entity; it was refused.")
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            fail(parser, "it declares an entity; it was refused.")
        }
    }

    final class SheetListReader: PartReader {
        var sheets: [(name: String, relationship: String)] = []

        override func start(_ parser: XMLParser, _ name: String, _ attributes: [String: String]) {
            guard name == "sheet" else { return }
            // The relationship id is r:id (namespace-processed to "id" on some platforms, kept qualified on others).
            let relationship = attributes["r:id"] ?? attributes["id"] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value
            guard let sheetName = attributes["name"], let relationship else { return fail(parser, "a sheet has no name or relationship id.") }
            if sheets.count >= 256 { return fail(parser, "more than 256 sheets.") }
            sheets.append((sheetName, relationship))
        }
    }

    final class RelationshipReader: PartReader {
        var targets: [String: String] = [:]

        override func start(_ parser: XMLParser, _ name: String, _ attributes: [String: String]) {
            guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
            if targets.count >= 1_024 { return fail(parser, "more than 1,024 relationships.") }
            targets[id] = target
        }
    }

    /// Joins every `<t>` inside one `<si>` (plain and rich-text runs); skips phonetic runs (`<rPh>`).
    final class SharedStringReader: PartReader {
        var strings: [String] = []
        private var current: String?
        private var inText = false
        private var inPhonetic = false

        override func start(_ parser: XMLParser, _ name: String, _ attributes: [String: String]) {
            switch name {
            case "si":
                if strings.count >= SpreadsheetXML.maxStrings { return fail(parser, "more than \(SpreadsheetXML.maxStrings) shared strings.") }
                current = ""
            case "rPh": inPhonetic = true
            case "t": inText = current != nil && !inPhonetic
            default: break
            }
        }

        override func characters(_ string: String) {
            guard inText, var text = current else { return }
            text += string
            if text.utf8.count > SpreadsheetXML.maxTextLength * 4 { text = String(text.prefix(SpreadsheetXML.maxTextLength)) }
            current = text
        }

        override func end(_ parser: XMLParser, _ name: String) {
            switch name {
            case "t": inText = false
            case "rPh": inPhonetic = false
            case "si":
                strings.append(String((current ?? "").prefix(SpreadsheetXML.maxTextLength)))
                current = nil
            default: break
            }
        }
    }

    /// Cells of `<sheetData>`: `<c r="B3" t="s"><v>4</v></c>`, inline strings, formulas' cached values.
    /// A cell without `r` follows the one before it, as the format allows.
    final class CellReader: PartReader {
        let shared: [String]
        var cells: [SpreadsheetCell] = []
        private var row = 0
        private var column = 0
        private var type = "n"
        private var value: String?
        private var inline: String?
        private var capture: Capture = .none

        private enum Capture { case none, value, inlineText }

        init(shared: [String]) { self.shared = shared }

        override func start(_ parser: XMLParser, _ name: String, _ attributes: [String: String]) {
            switch name {
            case "row":
                if let raw = attributes["r"] {
                    guard let number = Int(raw), (1...SpreadsheetXML.maxRows).contains(number) else { return fail(parser, "a row number “\(raw.prefix(20))” is not valid.") }
                    row = number
                } else {
                    row += 1
                }
                column = 0
            case "c":
                if let raw = attributes["r"] {
                    guard let reference = SpreadsheetXML.reference(raw) else { return fail(parser, "a cell reference “\(raw.prefix(20))” is not valid.") }
                    row = max(row, reference.row)
                    column = reference.column
                } else {
                    column += 1
                }
                if row == 0 { row = 1 }
                type = attributes["t"] ?? "n"
                value = nil
                inline = nil
            case "v": capture = .value; value = value ?? ""
            case "t" where names.dropLast().last == "is" || names.dropLast().last == "r":
                capture = .inlineText
                inline = inline ?? ""
            case "rPh": capture = .none
            default: break
            }
        }

        override func characters(_ string: String) {
            switch capture {
            case .value: if (value?.utf8.count ?? 0) < SpreadsheetXML.maxTextLength * 4 { value? += string }
            case .inlineText: if (inline?.utf8.count ?? 0) < SpreadsheetXML.maxTextLength * 4 { inline? += string }
            case .none: break
            }
        }

        override func end(_ parser: XMLParser, _ name: String) {
            switch name {
            case "v", "t": capture = .none
            case "c":
                let text: String?
                switch type {
                case "s":
                    guard let index = value.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else { text = nil; break }
                    guard shared.indices.contains(index) else { return fail(parser, "a cell refers to shared string \(index), which does not exist.") }
                    text = shared[index]
                case "inlineStr": text = inline
                case "b": text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
                case "e": text = nil // an error value (#N/A, #REF!) is no answer
                default: text = value
                }
                if let text {
                    let trimmed = String(text.prefix(SpreadsheetXML.maxTextLength)).trimmingCharacters(in: .whitespacesAndNewlines)
                    if !trimmed.isEmpty {
                        if cells.count >= SpreadsheetXML.maxCells { return fail(parser, "more than \(SpreadsheetXML.maxCells) cells with text.") }
                        cells.append(SpreadsheetCell(row: row, column: column, text: trimmed))
                    }
                }
            default: break
            }
        }
    }
}
