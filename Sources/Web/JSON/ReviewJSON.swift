import Domain
import Vapor

/// Encodes every key, with JSON null for an absent value (the API never leaves fields out).
struct NullableJSON<Key: CodingKey>: Encodable {
    let fields: [(Key, (any Encodable)?)]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (key, value) in fields {
            if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
    }
}

struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

enum ReviewJSON {
    static func object(_ pairs: KeyValuePairs<String, (any Encodable)?>) -> NullableJSON<JSONKey> {
        NullableJSON(fields: pairs.map { (JSONKey($0.key), $0.value) })
    }

    static func answer(_ a: Answer) -> NullableJSON<JSONKey> {
        object(["questionID": a.questionID, "questionText": a.questionText, "values": a.values, "source": a.source.rawValue,
                "answeredBy": a.answeredBy, "answeredAt": Format.iso(a.answeredAt), "mark": a.mark?.rawValue, "markComment": a.markComment,
                "markedBy": a.markedBy, "markedAt": a.markedAt.map(Format.iso), "origin": a.origin])
    }

    static func questionnaire(_ q: Questionnaire, answers: [Answer]) -> NullableJSON<JSONKey> {
        let progress = QuestionnaireProgress(q, answers: AnswerSheet.values(answers, for: q))
        let mine = answers.filter { $0.questionnaireID == q.id && $0.questionnaireVersion == q.version }
        return object([
            "id": q.id, "version": q.version, "title": q.title, "percent": progress.percent, "complete": progress.isComplete,
            "missing": progress.missing.map(\.id),
            "deviations": progress.deviations.map { object(["questionID": $0.question.id, "severity": $0.severity.rawValue, "answer": $0.answer]) },
            "answers": mine.map(answer),
        ])
    }

    static func finding(_ f: Finding) -> NullableJSON<JSONKey> {
        object(["id": f.id.description, "title": f.title, "description": f.description, "severity": f.severity.rawValue, "status": f.status.rawValue,
                "riskAcceptedBy": f.riskAcceptedBy, "dueOn": f.dueOn, "assigneeID": f.assigneeID?.description, "createdAt": Format.iso(f.createdAt), "updatedAt": Format.iso(f.updatedAt)])
    }

    static func review(_ r: Review, findings: [Finding]?) -> NullableJSON<JSONKey> {
        object([
            "id": r.id.description, "integrationID": r.integrationID.description, "kind": r.kind.rawValue,
            "reviewerID": r.fields.reviewerID.description, "scope": r.fields.scope,
            "outcomes": Dictionary(uniqueKeysWithValues: r.fields.outcomes.map { ($0.key.rawValue, $0.value.rawValue) }),
            "remediation": r.fields.remediation, "dueOn": r.fields.dueOn, "decision": r.decision?.decision.rawValue, "conditions": r.decision?.conditions,
            "decidedOn": r.decision?.decidedOn, "validUntil": r.decision?.validUntil, "decidedBy": r.decidedBy,
            "supersedes": r.supersedes?.description, "locked": r.isDecided, "createdBy": r.createdBy, "createdAt": Format.iso(r.createdAt),
            "version": r.version, "findings": findings.map { $0.map(finding) },
        ])
    }
}
