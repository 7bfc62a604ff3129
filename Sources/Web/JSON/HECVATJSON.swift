import Domain
import Vapor

/// `GET /api/v1/integrations/{id}/hecvat`: the newest workbook scored, what changed since the one
/// before, the answers carried into our questionnaires, and every import.
struct HECVATJSON: Content {
    struct Item: Content {
        let id: String
        let question: String
        let answer: String
        let additionalInformation: String
        let sheet: String
        let weight: String?
        let preferred: String?
        let outcome: String
        let nonNegotiable: Bool
    }

    struct Section: Content {
        let prefix: String
        let title: String
        let applies: Bool
        let earned: Int
        let possible: Int
        let percent: Int?
        let notMet: Int
    }

    struct Route: Content {
        let id: String
        let label: String
        let answer: String
    }

    struct Carried: Content {
        let hecvatID: String
        let questionnaire: String
        let questionID: String
        let values: [String]
    }

    struct Skipped: Content {
        let hecvatID: String
        let reason: String
    }

    struct Change: Content {
        let id: String
        let question: String
        let kind: String
        let before: String?
        let after: String?
        let onlyAdditionalInformation: Bool
    }

    struct Import: Content {
        let number: Int
        let hecvatVersion: String
        let filename: String
        let sha256: String
        let importedBy: String
        let importedAt: String
    }

    let number: Int
    let hecvatVersion: String
    let earned: Int
    let possible: Int
    let percent: Int?
    let routing: [Route]
    let sections: [Section]
    /// Non-negotiable questions not met first, then Critical, then the rest not met.
    let attention: [String]
    let items: [Item]
    let carried: [Carried]
    let notCarried: [Skipped]
    let comparedWith: Int?
    let changes: [Change]
    let imports: [Import]

    init(_ report: HECVATReport) {
        let score = report.score
        number = report.latest.number
        hecvatVersion = report.latest.workbook.version
        earned = score.earned
        possible = score.possible
        percent = score.percent
        routing = score.routing.map { Route(id: $0.id, label: $0.label, answer: $0.answer.rawValue) }
        sections = score.sections.map {
            Section(prefix: $0.prefix, title: $0.title, applies: $0.applies, earned: $0.earned, possible: $0.possible, percent: $0.percent, notMet: $0.notMet)
        }
        attention = score.attention.map(\.answer.id)
        items = score.items.map {
            Item(id: $0.answer.id, question: $0.answer.question, answer: $0.answer.answer, additionalInformation: $0.answer.additional, sheet: $0.answer.sheet,
                 weight: $0.weight?.rawValue, preferred: $0.preferred?.rawValue, outcome: $0.outcome.rawValue, nonNegotiable: $0.nonNegotiable)
        }
        carried = report.carried.values.map { Carried(hecvatID: $0.hecvatID, questionnaire: $0.questionnaireID, questionID: $0.questionID, values: $0.values) }
        notCarried = report.carried.skipped.map { Skipped(hecvatID: $0.hecvatID, reason: $0.reason) }
        comparedWith = report.previous?.number
        changes = report.changes.map {
            Change(id: $0.id, question: $0.question, kind: $0.kind.rawValue, before: $0.before, after: $0.after, onlyAdditionalInformation: $0.onlyAdditional)
        }
        imports = report.history.map {
            Import(number: $0.number, hecvatVersion: $0.workbook.version, filename: $0.filename, sha256: $0.sha256, importedBy: $0.importedBy,
                   importedAt: Format.iso($0.importedAt))
        }
    }
}
