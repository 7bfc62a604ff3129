import Domain
import Operations
import Vapor

/// `hecvat/show.leaf`: the newest HECVAT workbook of an integration, scored, with what changed since
/// the one before and which answers it carries into our questionnaires.
struct HECVATPageContext: Encodable {
    struct Attention: Encodable {
        let id: String
        let question: String
        let answer: String
        let preferred: String
        let weight: String
        let nonNegotiable: Bool
        let additional: String
    }

    struct Section: Encodable {
        let prefix: String
        let title: String
        let applies: Bool
        let score: String
        let notMet: Int
        let questions: Int
    }

    struct Route: Encodable {
        let id: String
        let label: String
        let answer: String
    }

    struct Carried: Encodable {
        let hecvatID: String
        let questionnaire: String
        let questionID: String
        let value: String
        let url: String
    }

    struct Skipped: Encodable {
        let hecvatID: String
        let reason: String
    }

    struct Change: Encodable {
        let id: String
        let question: String
        let kind: String
        let before: String
        let after: String
    }

    struct Row: Encodable {
        let id: String
        let question: String
        let answer: String
        let additional: String
        let weight: String
        let outcome: String
        let outcomeClass: String
    }

    struct Import: Encodable {
        let number: Int
        let version: String
        let filename: String
        let sha256: String
        let imported: String
    }

    let layout: LayoutContext
    let integrationName: String
    let integrationURL: String
    let hasReport: Bool
    let version: String
    let imported: String
    let total: String
    let attention: [Attention]
    let hasAttention: Bool
    let sections: [Section]
    let routing: [Route]
    let carried: [Carried]
    let hasCarried: Bool
    let skipped: [Skipped]
    let hasSkipped: Bool
    let comparedWith: String?
    let changes: [Change]
    let hasChanges: Bool
    let rows: [Row]
    let imports: [Import]
    let canImport: Bool
    let importURL: String
    let apiURL: String
    let error: String?

    init(_ req: Request, integration: Integration, report: HECVATReport?, questionnaires: [Questionnaire], canImport: Bool, error: String?) {
        layout = LayoutContext(req, title: "HECVAT — \(integration.fields.name)")
        integrationName = integration.fields.name
        integrationURL = SiteURL.integration(integration.id).path
        hasReport = report != nil
        self.canImport = canImport
        importURL = SiteURL.hecvat(integration.id).path
        apiURL = "/api/v1/integrations/\(integration.id)/hecvat"
        self.error = error
        guard let report else {
            version = ""; imported = ""; total = ""; attention = []; hasAttention = false; sections = []; routing = []; carried = []
            hasCarried = false; skipped = []; hasSkipped = false; comparedWith = nil; changes = []; hasChanges = false; rows = []; imports = []
            return
        }
        let score = report.score
        version = report.latest.workbook.version
        imported = "\(Format.dateTime(report.latest.importedAt)) by \(report.latest.importedBy) from “\(report.latest.filename)”"
        total = Self.percent(score.earned, score.possible)
        attention = score.attention.map { item in
            Attention(id: item.answer.id, question: item.answer.question, answer: Self.shown(item.answer), preferred: item.preferred?.label ?? "",
                      weight: item.weight?.label ?? "", nonNegotiable: item.nonNegotiable, additional: item.answer.additional)
        }
        hasAttention = !attention.isEmpty
        sections = score.sections.map { s in
            Section(prefix: s.prefix, title: s.title, applies: s.applies, score: s.applies ? Self.percent(s.earned, s.possible) : "does not apply",
                    notMet: s.notMet, questions: s.questions)
        }
        routing = score.routing.map { Route(id: $0.id, label: $0.label, answer: $0.answer.label) }
        carried = report.carried.values.map { value in
            let questionnaire = questionnaires.first { $0.id == value.questionnaireID }
            return Carried(hecvatID: value.hecvatID, questionnaire: questionnaire?.title ?? value.questionnaireID, questionID: value.questionID,
                           value: AnswerSheet.summary(value.values), url: SiteURL.answers(integration.id, value.questionnaireID).path)
        }
        hasCarried = !carried.isEmpty
        skipped = report.carried.skipped.map { Skipped(hecvatID: $0.hecvatID, reason: $0.reason) }
        hasSkipped = !skipped.isEmpty
        comparedWith = report.previous.map { "workbook #\($0.number) (HECVAT \($0.workbook.version), \(Format.dateTime($0.importedAt)))" }
        changes = report.changes.map { c in
            Change(id: c.id, question: c.question, kind: c.onlyAdditional ? "additional information changed" : c.kind.rawValue,
                   before: c.before.map { $0.isEmpty ? "(no answer)" : $0 } ?? "—", after: c.after.map { $0.isEmpty ? "(no answer)" : $0 } ?? "—")
        }
        hasChanges = !changes.isEmpty
        rows = score.items.map { item in
            Row(id: item.answer.id, question: item.answer.question, answer: Self.shown(item.answer), additional: item.answer.additional,
                weight: item.weight?.label ?? "—", outcome: Self.outcome(item), outcomeClass: item.outcome.rawValue)
        }
        imports = report.history.map { stored in
            Import(number: stored.number, version: stored.workbook.version, filename: stored.filename, sha256: stored.sha256,
                   imported: "\(Format.dateTime(stored.importedAt)) by \(stored.importedBy)")
        }
    }

    static func percent(_ earned: Int, _ possible: Int) -> String {
        possible == 0 ? "nothing scored" : "\(earned * 100 / possible)% (\(earned) of \(possible) points)"
    }

    static func shown(_ answer: HECVATAnswer) -> String { answer.answer.isEmpty ? "(no answer)" : answer.answer }

    static func outcome(_ item: HECVATScoredAnswer) -> String {
        switch item.outcome {
        case .met: "Met"
        case .notMet: item.nonNegotiable ? "Not met (non-negotiable)" : "Not met (\(item.preferred?.label ?? "?") preferred)"
        case .notApplicable: "N/A, not counted"
        case .outOfScope: "Section does not apply"
        case .unscored: "Not scored"
        }
    }
}

/// The HECVAT summary on the integration page.
struct HECVATPanel: Encodable {
    let hasImport: Bool
    let version: String
    let total: String
    let criticalNotMet: Int
    let nonNegotiableNotMet: Int
    let carried: Int
    let url: String
    let canImport: Bool

    static func load(_ scope: PanelScope) async throws -> HECVATPanel {
        let report = scope.req.operations.hecvat.report(history: scope.hecvatHistory)
        return HECVATPanel(
            hasImport: report != nil, version: report?.latest.workbook.version ?? "",
            total: report.map { HECVATPageContext.percent($0.score.earned, $0.score.possible) } ?? "",
            criticalNotMet: report?.score.attention.filter { $0.weight == .critical }.count ?? 0,
            nonNegotiableNotMet: report?.score.unmetNonNegotiable.count ?? 0, carried: report?.carried.values.count ?? 0,
            url: SiteURL.hecvat(scope.id).path, canImport: scope.canEdit)
    }
}
