import Foundation

/// A vendor's answer as a HECVAT answer column states it, reduced to what scoring compares.
public enum HECVATResponse: String, Codable, Sendable, CaseIterable {
    case yes, no
    case notApplicable = "n/a"
    case unanswered
    /// Anything else typed into the answer column (a sentence, a number).
    case other

    public init(_ text: String) {
        let folded = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        switch folded {
        case "yes", "y", "true": self = .yes
        case "no", "n", "false": self = .no
        case "n/a", "na", "n.a.", "not applicable", "n / a": self = .notApplicable
        case "": self = .unanswered
        default: self = .other
        }
    }

    public var label: String {
        switch self {
        case .yes: "Yes"
        case .no: "No"
        case .notApplicable: "N/A"
        case .unanswered: "No answer"
        case .other: "Other"
        }
    }
}

/// One question of a HECVAT workbook: its id, the question as the workbook words it, the vendor's
/// answer and any additional information, and the sheet it was on.
public struct HECVATAnswer: Equatable, Codable, Sendable {
    public let id: String
    public let question: String
    public let answer: String
    public let additional: String
    public let sheet: String

    public init(id: String, question: String, answer: String, additional: String, sheet: String) {
        self.id = id
        self.question = question
        self.answer = answer
        self.additional = additional
        self.sheet = sheet
    }

    public var response: HECVATResponse { HECVATResponse(answer) }
    /// The section a question belongs to: the letters before the dash (`DATA` of `DATA-12`).
    public var section: String { String(id.prefix(while: { $0 != "-" })) }
}

/// A HECVAT 4 workbook as read: its stated version and every answered or unanswered question.
public struct HECVATWorkbook: Equatable, Codable, Sendable {
    public let version: String
    public let answers: [HECVATAnswer]

    public init(version: String, answers: [HECVATAnswer]) {
        self.version = version
        self.answers = answers
    }

    public static let maxQuestions = 2_000
    public static let supportedMajor = 4

    public func answer(_ id: String) -> HECVATAnswer? { answers.first { $0.id == id } }

    /// `GNRL-01`, `REQU-04`, `DATA-12`: four capitals, a dash, two or three digits.
    public static func isQuestionID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (7...8).contains(bytes.count), bytes[4] == UInt8(ascii: "-") else { return false }
        return bytes[0..<4].allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            && bytes[5...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Reads the questions from a workbook's sheets. A row is a question when one of its first four
    /// cells holds a HECVAT id; its question, answer and additional information are found under the
    /// sheet's header row ("Question", "Answer", "Additional Information") or, without one, in the
    /// cells to the right of the id. The first time an id is seen wins (analyst sheets repeat them).
    public static func read(_ sheets: [SpreadsheetSheet]) throws -> HECVATWorkbook {
        guard let version = statedVersion(sheets) else {
            let anyIDs = sheets.contains { $0.cells.contains { isQuestionID($0.text) } }
            throw SpreadsheetError(anyIDs
                ? "The workbook does not say which HECVAT version it is (no cell reads like “HECVAT 4.1.2” or a “Version” label beside 4.x)."
                : "This is not a HECVAT workbook: no sheet names a HECVAT version or holds question ids such as GNRL-01.")
        }
        guard let major = Int(version.prefix(while: \.isNumber)), major == supportedMajor else {
            throw SpreadsheetError("This is HECVAT \(version); VendorReview reads HECVAT \(supportedMajor) workbooks. Ask the vendor for the current HECVAT \(supportedMajor).")
        }
        var seen = Set<String>()
        var answers: [HECVATAnswer] = []
        for sheet in sheets {
            for question in questions(in: sheet) where seen.insert(question.id).inserted {
                if answers.count >= maxQuestions { throw SpreadsheetError("The workbook holds more than \(maxQuestions) questions; a HECVAT holds about 300.") }
                answers.append(question)
            }
        }
        guard !answers.isEmpty else { throw SpreadsheetError("The workbook says it is HECVAT \(version) but no sheet holds question ids such as GNRL-01.") }
        guard answers.contains(where: { $0.section == "REQU" }) else {
            throw SpreadsheetError("The workbook has no routing questions (REQU-01 to REQU-08), which every HECVAT 4 has; it may be damaged or a different questionnaire.")
        }
        return HECVATWorkbook(version: version, answers: answers)
    }

    /// "HECVAT 4.1.2", "HECVAT Version 4.03" or a cell "Version" with "4.1.2" to its right, in the first
    /// 200 rows of any sheet.
    static func statedVersion(_ sheets: [SpreadsheetSheet]) -> String? {
        for sheet in sheets {
            let early = sheet.cells.filter { $0.row <= 200 }
            for cell in early {
                let bytes = Array(cell.text.utf8)
                if let at = XMLSafety.find(Array("HECVAT".utf8), in: bytes),
                   let number = versionNumber(in: Substring(String(decoding: bytes[(at + 6)...].prefix(80), as: UTF8.self))) {
                    return number
                }
                guard bytes.count <= 20 else { continue }
                let upper = cell.text.uppercased()
                if upper.trimmingCharacters(in: CharacterSet(charactersIn: " :")) == "VERSION" || upper == "HECVAT VERSION",
                   let next = early.filter({ $0.row == cell.row && $0.column > cell.column }).min(by: { $0.column < $1.column }),
                   let number = versionNumber(in: Substring(next.text)) {
                    return number
                }
            }
        }
        return nil
    }

    /// The first "d.d" or "d.d.d" in the text.
    static func versionNumber(in text: Substring) -> String? {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if characters[index].isNumber {
                var end = index
                var dots = 0
                while end < characters.count, characters[end].isNumber || (characters[end] == "." && end + 1 < characters.count && characters[end + 1].isNumber) {
                    if characters[end] == "." { dots += 1 }
                    end += 1
                }
                if dots >= 1, dots <= 3 { return String(characters[index..<end]) }
                index = end
            }
            index += 1
        }
        return nil
    }

    static func questions(in sheet: SpreadsheetSheet) -> [HECVATAnswer] {
        let rows = Dictionary(grouping: sheet.cells, by: \.row)
        var questionColumn: Int?
        var answerColumn: Int?
        var additionalColumn: Int?
        var found: [HECVATAnswer] = []
        for number in rows.keys.sorted() {
            let cells = rows[number]!.sorted { $0.column < $1.column }
            func text(_ column: Int?) -> String { column.flatMap { c in cells.first { $0.column == c }?.text } ?? "" }
            if let idCell = cells.prefix(4).first(where: { isQuestionID($0.text) }) {
                let right = cells.filter { $0.column > idCell.column }
                let question = questionColumn.map { text($0) } ?? right.first?.text ?? ""
                let answer = answerColumn.map { text($0) } ?? (right.count > 1 ? right[1].text : "")
                let additional = additionalColumn.map { text($0) } ?? (right.count > 2 ? right[2].text : "")
                guard !question.isEmpty else { continue }
                found.append(HECVATAnswer(id: idCell.text, question: question, answer: answer, additional: additional, sheet: sheet.name))
            } else {
                // A header row names the columns for the rows below it.
                for cell in cells {
                    switch cell.text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :*")) {
                    case "question", "questions": questionColumn = cell.column
                    case "answer", "vendor answer", "response", "vendor response": answerColumn = cell.column
                    case "additional information", "additional info", "notes", "comments", "vendor comments": additionalColumn = cell.column
                    default: break
                    }
                }
            }
        }
        return found
    }
}
