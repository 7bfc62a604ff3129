import Foundation

/// Who gave an answer: institution staff in the app, or the vendor through an answer link.
public enum AnswerSource: String, CaseIterable, Codable, Sendable {
    case staff, vendor
    /// Carried from the vendor's HECVAT workbook (the answer's `origin` names the HECVAT question).
    case hecvat

    public var label: String {
        switch self {
        case .staff: "Staff"
        case .vendor: "Vendor"
        case .hecvat: "HECVAT"
        }
    }

    /// The vendor's own claim (typed through a link or sent as a HECVAT): a reviewer looks at it.
    public var isVendors: Bool { self != .staff }
}

/// A reviewer's judgement of one answer.
public enum AnswerMark: String, CaseIterable, Codable, Sendable {
    case accepted
    case needsClarification = "needs_clarification"
    case unacceptable

    public var label: String {
        switch self {
        case .accepted: "Accepted"
        case .needsClarification: "Needs clarification"
        case .unacceptable: "Unacceptable"
        }
    }

    /// Validates a mark and its comment; a comment is required unless the answer is accepted.
    public static func validate(mark raw: String?, comment rawComment: String?) throws -> (AnswerMark, String?) {
        var errors = ValidationErrors()
        let mark = AnswerMark(rawValue: Check.trimmed(raw))
        if mark == nil { errors.add("mark", "Choose accepted, needs clarification or unacceptable.") }
        let comment = Check.optional(rawComment, field: "comment", label: "Comment", max: 2000, multiline: true, errors: &errors)
        if let mark, mark != .accepted, comment == nil {
            errors.add("comment", "Say what is missing or wrong: the comment is required unless the answer is accepted.")
        }
        try errors.throwIfAny()
        return (mark!, comment)
    }
}

/// One answer, kept against the questionnaire version it was given for. The question's text is
/// kept with it, so the answer stays readable after the definition changes.
public struct Answer: Equatable, Sendable {
    public let integrationID: Integration.ID
    public let questionnaireID: String
    public let questionnaireVersion: Int
    public let questionID: String
    public var questionText: String
    public var values: [String]
    public var source: AnswerSource
    public var answeredBy: String
    public var answeredAt: Date
    public var mark: AnswerMark?
    public var markComment: String?
    public var markedBy: String?
    public var markedAt: Date?
    /// The answer changed after it was marked: the mark stays visible but no longer counts, and the
    /// answer blocks the gate until a reviewer marks it again.
    public var markStale: Bool
    /// Where an answer carried from elsewhere came from ("HECVAT DATA-05"); nil for answers given here.
    public var origin: String?

    public init(
        integrationID: Integration.ID, questionnaireID: String, questionnaireVersion: Int, questionID: String, questionText: String,
        values: [String], source: AnswerSource, answeredBy: String, answeredAt: Date, mark: AnswerMark? = nil, markComment: String? = nil,
        markedBy: String? = nil, markedAt: Date? = nil, markStale: Bool = false, origin: String? = nil
    ) {
        self.origin = origin
        self.integrationID = integrationID
        self.questionnaireID = questionnaireID
        self.questionnaireVersion = questionnaireVersion
        self.questionID = questionID
        self.questionText = questionText
        self.values = values
        self.source = source
        self.answeredBy = answeredBy
        self.answeredAt = answeredAt
        self.mark = mark
        self.markComment = markComment
        self.markedBy = markedBy
        self.markedAt = markedAt
        self.markStale = markStale
    }

    /// The mark that counts: none while the answer has changed since it was marked.
    public var currentMark: AnswerMark? { markStale ? nil : mark }
}

/// A set of answers for one questionnaire version, as a form or the API submits them.
public enum AnswerSheet {
    /// Checks every submitted answer against its question. File-evidence questions are answered by
    /// uploading, never by typing, so they are ignored here. Unknown question ids are refused.
    public static func validate(_ raw: [String: [String]], for questionnaire: Questionnaire) throws -> [String: [String]] {
        var errors = ValidationErrors()
        var cleaned: [String: [String]] = [:]
        let questions = Dictionary(uniqueKeysWithValues: questionnaire.questions.map { ($0.id, $0) })
        for (id, values) in raw {
            guard let question = questions[id] else {
                errors.add(id, "“\(id)” is not a question of \(questionnaire.title) version \(questionnaire.version).")
                continue
            }
            if question.type == .fileEvidence { continue }
            do {
                cleaned[id] = try QuestionnaireAnswers.validate(values, for: question)
            } catch let DomainError.validation(found) {
                for (field, message) in found.messages { errors.add(field, message) }
            }
        }
        try errors.throwIfAny()
        return cleaned
    }

    /// The values per question id, as `QuestionnaireProgress` reads them.
    public static func values(_ answers: [Answer], for questionnaire: Questionnaire) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for answer in answers where answer.questionnaireID == questionnaire.id && answer.questionnaireVersion == questionnaire.version {
            values[answer.questionID] = answer.values
        }
        return values
    }

    /// Short readable text for an answer ("yes", "fully", "2026-03-01"); long text is cut.
    public static func summary(_ values: [String], limit: Int = 80) -> String {
        let text = values.map(humanize).joined(separator: ", ")
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// Words kept in capitals when an option key is shown.
    static let acronyms: Set<String> = ["vpat", "wcag", "eu", "int", "ferpa", "coppa", "sso", "mfa", "ai", "api", "lti", "pii", "soc", "acr", "hecvat"]

    /// Option keys shown to people as words: "not_applicable" → "not applicable",
    /// "vpat_2_5_wcag" → "VPAT 2.5 WCAG". Anything that is not a key is left as typed.
    public static func humanize(_ value: String) -> String {
        guard value.contains("_") || acronyms.contains(value),
              value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return value }
        var words: [String] = []
        for part in value.split(separator: "_").map(String.init) {
            // Version numbers written with underscores ("2_5") read as "2.5".
            if let last = words.last, part.allSatisfy(\.isNumber), part.count == 1, last.allSatisfy({ $0.isNumber || $0 == "." }), !last.isEmpty {
                words[words.count - 1] = last + "." + part
            } else {
                words.append(acronyms.contains(part) ? part.uppercased() : part)
            }
        }
        return words.joined(separator: " ")
    }
}

/// A file given as evidence for a questionnaire answer (a VPAT, a SOC 2 report, a policy).
public struct EvidenceDocument: Equatable, Sendable {
    public typealias ID = Identifier<EvidenceDocument>

    public let id: ID
    public let integrationID: Integration.ID
    public let questionnaireID: String
    public let questionnaireVersion: Int
    public let questionID: String
    public let filename: String
    public let type: DocumentType
    public let size: Int
    public let sha256: String
    public let source: AnswerSource
    public let uploadedBy: String
    public let uploadedAt: Date

    public init(
        id: ID, integrationID: Integration.ID, questionnaireID: String, questionnaireVersion: Int, questionID: String, filename: String,
        type: DocumentType, size: Int, sha256: String, source: AnswerSource, uploadedBy: String, uploadedAt: Date
    ) {
        self.id = id
        self.integrationID = integrationID
        self.questionnaireID = questionnaireID
        self.questionnaireVersion = questionnaireVersion
        self.questionID = questionID
        self.filename = filename
        self.type = type
        self.size = size
        self.sha256 = sha256
        self.source = source
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

public protocol AnswerRepository: Sendable {
    /// Every answer given for the integration, for every questionnaire version.
    func answers(_ integration: Integration.ID) async throws -> [Answer]
    /// The answers of several integrations (one query a batch), by integration.
    func answers(of integrations: [Integration.ID]) async throws -> [Integration.ID: [Answer]]
    /// Answers a reviewer has to look at, across integrations: vendor answers never marked, and any
    /// answer changed since it was marked (one query).
    func awaitingMark() async throws -> [Answer]
    /// Saves the answers that changed (a changed answer loses its mark); returns how many changed.
    /// Answers given as empty are removed.
    func save(_ values: [String: [String]], questionnaire: Questionnaire, integration: Integration.ID, source: AnswerSource,
              by actor: Actor, at now: Date) async throws -> Int
    func mark(_ questionID: String, questionnaire: Questionnaire, integration: Integration.ID, as mark: AnswerMark, comment: String?,
              by actor: Actor, at now: Date) async throws
    func evidence(_ integration: Integration.ID) async throws -> [EvidenceDocument]
    /// Stores the file and adds its name to the question's answer.
    func attach(_ document: EvidenceDocument, bytes: [UInt8], questionText: String, by actor: Actor) async throws
    func evidenceDocument(_ id: EvidenceDocument.ID, of integration: Integration.ID) async throws -> (EvidenceDocument, [UInt8])?
}
