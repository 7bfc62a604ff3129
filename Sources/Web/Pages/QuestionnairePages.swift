import Domain
import Vapor

/// One question as a form shows it, to staff (with marks) or to a vendor (without).
struct QuestionView: Encodable {
    struct Choice: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }
    struct File: Encodable {
        let name: String
        /// Staff can download; a vendor only sees what was sent.
        let url: String?
        let size: String
        let from: String
    }

    let id: String
    let fieldID: String
    let text: String
    let guidance: String?
    let requirement: String
    let isYesNo, isSingle, isMultiple, isText, isDate, isFile: Bool
    let choices: [Choice]?
    let value: String
    let answered: Bool
    let answerText: String
    let answeredBy: String?
    let fromVendor: Bool
    /// "HECVAT PRGN-01" for an answer carried from a vendor's workbook.
    let origin: String?
    let deviation: String?
    let deviationKey: String?
    let files: [File]?
    let error: String?
    // Internal only: never filled for a vendor.
    let mark: String?
    let markKey: String?
    let markComment: String?
    let markedBy: String?
    /// The answer changed after it was marked: the mark is shown but no longer counts.
    let markStale: Bool
}

struct SectionView: Encodable {
    let title: String
    let condition: String?
    let applies: Bool
    let questions: [QuestionView]
}

struct ProgressView: Encodable {
    let percent: Int
    let sentence: String
    let deviations: String?
    let complete: Bool

    init(_ progress: QuestionnaireProgress) {
        percent = progress.percent
        complete = progress.isComplete
        sentence = "\(progress.answeredRequired) of \(progress.requiredCount) required answers given"
            + (progress.missing.isEmpty ? "" : " — missing \(progress.missing.map(\.id).joined(separator: ", "))")
        let counts = Severity.allCases.compactMap { severity -> String? in
            let n = progress.deviations.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)"
        }
        deviations = counts.isEmpty ? nil : "Differs from what we expect: " + counts.joined(separator: ", ")
    }
}

enum QuestionnaireView {
    static func condition(_ c: AnswerCondition?) -> String? {
        c.map { "when \($0.question) is \($0.anyOf.map(AnswerSheet.humanize).joined(separator: " or "))" }
    }

    /// Sections with their questions, the stored answers (or the values just submitted, when a form
    /// comes back with errors) and, for staff, the reviewer marks.
    static func sections(
        _ questionnaire: Questionnaire, answers: [Answer], evidence: [EvidenceDocument], submitted: [String: [String]]? = nil,
        errors: [String: String] = [:], staffView: Bool, fileURL: (EvidenceDocument) -> String?
    ) -> [SectionView] {
        let stored = Dictionary(answers.filter { $0.questionnaireID == questionnaire.id && $0.questionnaireVersion == questionnaire.version }
            .map { ($0.questionID, $0) }, uniquingKeysWith: { a, _ in a })
        var values = AnswerSheet.values(answers, for: questionnaire)
        if let submitted { values.merge(submitted.mapValues { $0.map(Echo.clean) }) { $1 } }
        let progress = QuestionnaireProgress(questionnaire, answers: values)
        let deviations = Dictionary(progress.deviations.map { ($0.question.id, $0.severity) }, uniquingKeysWith: { a, _ in a })
        return questionnaire.sections.map { section in
            SectionView(
                title: section.title, condition: condition(section.appliesWhen).map { "Only " + $0 },
                applies: section.appliesWhen?.holds(values) ?? true,
                questions: section.questions.map { q in
                    let given = values[q.id] ?? []
                    let answer = stored[q.id]
                    let files = evidence.filter { $0.questionnaireID == questionnaire.id && $0.questionnaireVersion == questionnaire.version && $0.questionID == q.id }
                    let choices = q.allowedValues.map { allowed in
                        allowed.map { QuestionView.Choice(value: $0, label: AnswerSheet.humanize($0), checked: given.contains($0)) }
                    }
                    return QuestionView(
                        id: q.id, fieldID: "q-" + q.id, text: q.text, guidance: q.guidance,
                        requirement: q.required ? "required" : condition(q.requiredWhen).map { "required " + $0 } ?? "optional",
                        isYesNo: q.type == .yesNo, isSingle: q.type == .singleChoice, isMultiple: q.type == .multipleChoice,
                        isText: q.type == .text, isDate: q.type == .date, isFile: q.type == .fileEvidence,
                        choices: choices, value: q.type == .text || q.type == .date ? given.first ?? "" : "",
                        answered: !given.isEmpty, answerText: given.isEmpty ? "Not answered" : given.map(AnswerSheet.humanize).joined(separator: ", "),
                        answeredBy: answer.map { "\($0.answeredBy), \(Format.dateTime($0.answeredAt))" },
                        fromVendor: answer?.source == .vendor, origin: answer?.origin,
                        deviation: deviations[q.id].map { "Differs from the expected answer (\(q.expected?.map(AnswerSheet.humanize).joined(separator: " or ") ?? "")) — \($0.rawValue)" },
                        deviationKey: deviations[q.id]?.rawValue,
                        files: files.map {
                            QuestionView.File(name: $0.filename, url: staffView ? fileURL($0) : nil, size: DocumentCheck.megabytes($0.size),
                                              from: "\($0.source.label.lowercased()), \(Format.dateTime($0.uploadedAt))")
                        }.nonEmpty,
                        error: errors[q.id],
                        mark: staffView ? answer?.mark?.label : nil, markKey: staffView ? answer?.mark?.rawValue : nil,
                        markComment: staffView ? answer?.markComment : nil,
                        markedBy: staffView ? answer.flatMap { a in a.markedBy.map { "\($0), \(Format.dateTime(a.markedAt))" } } : nil,
                        markStale: staffView && answer?.markStale == true)
                })
        }
    }
}

/// Reads `application/x-www-form-urlencoded` bodies as ordered pairs, so repeated names (checkboxes)
/// and names with dashes or dots ("q.VR-FERPA-01") arrive exactly as sent.
enum FormPairs {
    static func parse(_ req: Request) -> [(String, String)] {
        guard let buffer = req.body.data, let body = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) else { return [] }
        return body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let key = parts.first.flatMap(decode) else { return nil }
            return (key, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    /// The answers of a questionnaire form: fields named "q.<question id>", one or more values each.
    /// Every question shown on the form is present (a cleared answer arrives empty).
    static func answers(_ pairs: [(String, String)], questionnaire: Questionnaire) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for question in questionnaire.questions where question.type != .fileEvidence { result[question.id] = [] }
        for (key, value) in pairs where key.hasPrefix("q.") {
            let id = String(key.dropFirst(2))
            result[id, default: []].append(value)
        }
        return result
    }
}
