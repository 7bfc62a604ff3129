import Domain
import FluentKit
import Foundation

struct FluentHECVATRepository: HECVATRepository {
    let database: any Database

    func history(_ integration: Integration.ID) async throws -> [StoredHECVAT] {
        try await HECVATImportModel.query(on: database).filter(\.$integrationID == integration.rawValue).sort(\.$number, .descending).all()
            .map { try $0.toDomain() }
    }

    func latest(of integrations: [Integration.ID]) async throws -> [Integration.ID: StoredHECVAT] {
        var latest: [Integration.ID: StoredHECVAT] = [:]
        for batch in Batched.chunks(integrations.map(\.rawValue)) {
            for row in try await HECVATImportModel.query(on: database).filter(\.$integrationID ~~ Array(batch)).sort(\.$number, .descending).all() {
                let id = Integration.ID(row.integrationID)
                if latest[id] == nil { latest[id] = try row.toDomain() }
            }
        }
        return latest
    }

    func store(_ workbook: HECVATWorkbook, for integration: Integration.ID, filename: String, sha256: String,
               carried: [(questionnaire: Questionnaire, values: [HECVATCarried.Value])], by actor: Actor, at now: Date) async throws
        -> (StoredHECVAT, HECVATCarryResult) {
        try await AuditedWrite.run(on: database) { tx in
            guard let owner = try await IntegrationModel.find(integration.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
            let previous = try await HECVATImportModel.query(on: tx).filter(\.$integrationID == integration.rawValue).sort(\.$number, .descending).first()
            let model = HECVATImportModel()
            model.id = UUID()
            model.integrationID = integration.rawValue
            model.number = (previous?.number ?? 0) + 1
            model.hecvatVersion = workbook.version
            model.workbook = try StoredJSON.text(workbook)
            model.filename = filename
            model.sha256 = sha256
            model.importedBy = actor.label
            model.importedAt = now
            try await model.create(on: tx)

            var written: [String] = []
            var kept: [String] = []
            for (questionnaire, values) in carried where !values.isEmpty {
                let rows = try await AnswerModel.query(on: tx).filter(\.$integrationID == integration.rawValue)
                    .filter(\.$questionnaireID == questionnaire.id).filter(\.$questionnaireVersion == questionnaire.version).all()
                let existing = Dictionary(rows.map { ($0.questionID, $0) }, uniquingKeysWith: { first, _ in first })
                for value in values {
                    guard let question = questionnaire.questions.first(where: { $0.id == value.questionID }) else { continue }
                    let origin = "HECVAT \(value.hecvatID)"
                    let label = "\(questionnaire.id) \(question.id) from \(value.hecvatID)"
                    if let row = existing[question.id] {
                        // The vendor's or staff's own answer stands; a reviewer sees the HECVAT beside it.
                        guard row.source == AnswerSource.hecvat.rawValue else { kept.append("\(questionnaire.id) \(question.id)"); continue }
                        if try row.toDomain().values == value.values, row.origin == origin { continue }
                        if row.mark != nil { row.markStale = true }
                        row.values = AnswerModel.encode(value.values)
                        row.origin = origin
                        row.answeredBy = actor.label
                        row.answeredAt = now
                        row.questionText = question.text
                        try await row.update(on: tx)
                    } else {
                        let row = AnswerModel()
                        row.id = UUID()
                        row.integrationID = integration.rawValue
                        row.questionnaireID = questionnaire.id
                        row.questionnaireVersion = questionnaire.version
                        row.questionID = question.id
                        row.questionText = question.text
                        row.values = AnswerModel.encode(value.values)
                        row.source = AnswerSource.hecvat.rawValue
                        row.origin = origin
                        row.answeredBy = actor.label
                        row.answeredAt = now
                        row.markStale = false
                        try await row.create(on: tx)
                    }
                    written.append("\(label) (“\(AnswerSheet.summary(value.values, limit: 40))”)")
                }
            }
            var summary = "\(owner.name) — HECVAT \(workbook.version) workbook #\(model.number) imported from “\(filename)” (SHA-256 \(sha256)): \(workbook.answers.count) questions"
            if !written.isEmpty { summary += "; answers carried into questionnaires: " + written.joined(separator: "; ") }
            if !kept.isEmpty { summary += "; answered here already, kept: " + kept.joined(separator: ", ") }
            return ((try model.toDomain(), HECVATCarryResult(written: written, keptOwn: kept)),
                    [AuditEntry(occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "hecvat_import", summary: summary)])
        }
    }
}
