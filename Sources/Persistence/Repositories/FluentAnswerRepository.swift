import Domain
import FluentKit
import Foundation

struct FluentAnswerRepository: AnswerRepository {
    let database: any Database

    func answers(_ integration: Integration.ID) async throws -> [Answer] {
        try await AnswerModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .sort(\.$questionnaireID).sort(\.$questionnaireVersion).sort(\.$questionID).all().map { try $0.toDomain() }
    }

    func awaitingMark() async throws -> [Answer] {
        try await AnswerModel.query(on: database)
            .group(.or) { either in
                either.filter(\.$markStale == true)
                either.group(.and) { fresh in fresh.filter(\.$source ~~ [AnswerSource.vendor.rawValue, AnswerSource.hecvat.rawValue]).filter(\.$mark == nil) }
            }
            .sort(\.$answeredAt).all().map { try $0.toDomain() }
    }

    private static func rows(_ tx: any Database, _ integration: Integration.ID, _ questionnaire: Questionnaire) async throws -> [String: AnswerModel] {
        let rows = try await AnswerModel.query(on: tx).filter(\.$integrationID == integration.rawValue)
            .filter(\.$questionnaireID == questionnaire.id).filter(\.$questionnaireVersion == questionnaire.version).all()
        return Dictionary(rows.map { ($0.questionID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func integrationName(_ tx: any Database, _ id: Integration.ID) async throws -> String {
        guard let model = try await IntegrationModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
        return model.name
    }

    func save(_ values: [String: [String]], questionnaire: Questionnaire, integration: Integration.ID, source: AnswerSource,
              by actor: Actor, at now: Date) async throws -> Int {
        try await AuditedWrite.run(on: database) { tx in
            let name = try await Self.integrationName(tx, integration)
            let existing = try await Self.rows(tx, integration, questionnaire)
            var changes: [String] = []
            var superseded: [String] = []
            for question in questionnaire.questions {
                guard let given = values[question.id] else { continue }
                let before = existing[question.id]
                let previous = try before?.toDomain().values ?? []
                if previous == given { continue }
                if given.isEmpty {
                    try await before?.delete(on: tx)
                } else {
                    let model = before ?? AnswerModel()
                    if before == nil {
                        model.id = UUID()
                        model.integrationID = integration.rawValue
                        model.questionnaireID = questionnaire.id
                        model.questionnaireVersion = questionnaire.version
                        model.questionID = question.id
                    }
                    model.questionText = question.text
                    model.values = AnswerModel.encode(given)
                    model.source = source.rawValue
                    model.origin = nil
                    model.answeredBy = actor.label
                    model.answeredAt = now
                    // A changed answer needs a fresh look: its earlier mark stays visible as "changed since
                    // marked" but no longer counts, and the answer blocks until a reviewer marks it again.
                    if let mark = model.mark, before != nil {
                        if !model.markStale {
                            superseded.append("\(question.id): \(AnswerMark(rawValue: mark)?.label.lowercased() ?? mark) by \(model.markedBy ?? "a reviewer")")
                        }
                        model.markStale = true
                    } else {
                        model.markStale = false
                    }
                    try await model.save(on: tx)
                }
                if given.isEmpty, let mark = before?.mark, before?.markStale == false {
                    superseded.append("\(question.id): \(AnswerMark(rawValue: mark)?.label.lowercased() ?? mark) by \(before?.markedBy ?? "a reviewer") (answer removed)")
                }
                changes.append("\(question.id): “\(AnswerSheet.summary(previous, limit: 60))” → “\(AnswerSheet.summary(given, limit: 60))”")
            }
            if changes.isEmpty { return (0, []) }
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "answer",
                summary: "\(name) — \(questionnaire.title) v\(questionnaire.version) (\(source.label.lowercased()) answers): " + changes.joined(separator: "; "))
            // A mark that stops counting is an event of its own, so the trail shows the objection was not washed out.
            let marks = superseded.isEmpty ? [] : [AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "mark_superseded",
                summary: "\(name) — \(questionnaire.title) v\(questionnaire.version): marks no longer count because the answer changed, to be marked again: "
                    + superseded.joined(separator: "; "))]
            return (changes.count, [entry] + marks)
        }
    }

    func mark(_ questionID: String, questionnaire: Questionnaire, integration: Integration.ID, as mark: AnswerMark, comment: String?,
              by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            let name = try await Self.integrationName(tx, integration)
            guard let model = try await Self.rows(tx, integration, questionnaire)[questionID] else { throw DomainError.notFound(entity: "answer") }
            model.mark = mark.rawValue
            model.markComment = comment
            model.markedBy = actor.label
            model.markedAt = now
            model.markStale = false
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "mark",
                summary: "\(name) — \(questionnaire.title) v\(questionnaire.version) \(questionID) marked \(mark.label.lowercased())" + (comment.map { ": \($0)" } ?? ""))
            return ((), [entry])
        }
    }

    func evidence(_ integration: Integration.ID) async throws -> [EvidenceDocument] {
        // The content column is left out: listing never loads the files themselves.
        try await EvidenceDocumentModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .field(\.$id).field(\.$integrationID).field(\.$questionnaireID).field(\.$questionnaireVersion).field(\.$questionID)
            .field(\.$filename).field(\.$type).field(\.$size).field(\.$sha256).field(\.$source).field(\.$uploadedBy).field(\.$uploadedAt)
            .sort(\.$uploadedAt).sort(\.$filename).all().map { try $0.toDomain() }
    }

    func attach(_ document: EvidenceDocument, bytes: [UInt8], questionText: String, by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            let name = try await Self.integrationName(tx, document.integrationID)
            let model = EvidenceDocumentModel()
            model.id = document.id.rawValue
            model.integrationID = document.integrationID.rawValue
            model.questionnaireID = document.questionnaireID
            model.questionnaireVersion = document.questionnaireVersion
            model.questionID = document.questionID
            model.filename = document.filename
            model.type = document.type.rawValue
            model.size = document.size
            model.sha256 = document.sha256
            model.content = Data(bytes)
            model.source = document.source.rawValue
            model.uploadedBy = document.uploadedBy
            model.uploadedAt = document.uploadedAt
            try await model.create(on: tx)
            // The evidence question's answer lists the files given for it.
            let answer = try await AnswerModel.query(on: tx).filter(\.$integrationID == document.integrationID.rawValue)
                .filter(\.$questionnaireID == document.questionnaireID).filter(\.$questionnaireVersion == document.questionnaireVersion)
                .filter(\.$questionID == document.questionID).first()
            let row = answer ?? AnswerModel()
            var files = try answer?.toDomain().values ?? []
            files.append(document.filename)
            if answer == nil {
                row.id = UUID()
                row.integrationID = document.integrationID.rawValue
                row.questionnaireID = document.questionnaireID
                row.questionnaireVersion = document.questionnaireVersion
                row.questionID = document.questionID
            }
            row.questionText = questionText
            row.values = AnswerModel.encode(files)
            row.source = document.source.rawValue
            row.answeredBy = document.uploadedBy
            row.answeredAt = document.uploadedAt
            // New evidence changes the answer: a mark on it stays visible but must be given again.
            let supersedes = answer != nil && row.mark != nil && !row.markStale
            row.markStale = answer != nil && row.mark != nil
            try await row.save(on: tx)
            let entry = AuditEntry(
                occurredAt: document.uploadedAt, actor: actor, entityType: "integration", entityID: document.integrationID.description, action: "evidence",
                summary: "\(name) — \(document.questionID): attached “\(document.filename)” (\(DocumentCheck.megabytes(document.size)), SHA-256 \(document.sha256)) from the \(document.source.label.lowercased())")
            let mark = supersedes ? [AuditEntry(
                occurredAt: document.uploadedAt, actor: actor, entityType: "integration", entityID: document.integrationID.description, action: "mark_superseded",
                summary: "\(name) — \(document.questionID): the \(AnswerMark(rawValue: row.mark ?? "")?.label.lowercased() ?? "earlier") mark by \(row.markedBy ?? "a reviewer") no longer counts because new evidence was attached; to be marked again")] : []
            return ((), [entry] + mark)
        }
    }

    func evidenceDocument(_ id: EvidenceDocument.ID, of integration: Integration.ID) async throws -> (EvidenceDocument, [UInt8])? {
        guard let model = try await EvidenceDocumentModel.query(on: database)
            .filter(\.$id == id.rawValue).filter(\.$integrationID == integration.rawValue).first()
        else { return nil }
        return (try model.toDomain(), [UInt8](model.content))
    }

    func answers(of integrations: [Integration.ID]) async throws -> [Integration.ID: [Answer]] {
        var result: [Integration.ID: [Answer]] = [:]
        for batch in Batched.chunks(integrations.map(\.rawValue)) {
            for row in try await AnswerModel.query(on: database).filter(\.$integrationID ~~ Array(batch))
                .sort(\.$questionnaireID).sort(\.$questionnaireVersion).sort(\.$questionID).all() {
                result[.init(row.integrationID), default: []].append(try row.toDomain())
            }
        }
        return result
    }
}
