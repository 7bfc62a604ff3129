import Domain
import Foundation

/// Questionnaire answers (from staff or through a vendor's link), reviewers' marks on them, and
/// evidence files attached to a question.
public struct Answers: Sendable {
    private let environment: OperationEnvironment
    private let watch: GateWatch

    init(_ environment: OperationEnvironment, watch: GateWatch) {
        self.environment = environment
        self.watch = watch
    }

    /// The definition named in an address, or not found.
    public func questionnaire(_ id: String?) throws -> Questionnaire {
        guard let id, let questionnaire = environment.questionnaires.first(where: { $0.id == id }) else {
            throw DomainError.notFound(entity: "questionnaire")
        }
        return questionnaire
    }

    /// Validates and saves the submitted answers; returns how many changed.
    @discardableResult
    public func save(_ submitted: [String: [String]], to questionnaire: Questionnaire, of integration: Integration.ID,
                     source: AnswerSource, by actor: Actor) async throws -> Int {
        let cleaned = try AnswerSheet.validate(submitted, for: questionnaire)
        let changed = try await environment.store.answers.save(cleaned, questionnaire: questionnaire, integration: integration, source: source,
                                                               by: actor, at: environment.now())
        if changed > 0 { await watch.recheck(integration, after: "\(source.label.lowercased()) answers to \(questionnaire.title) changed") }
        return changed
    }

    /// A reviewer's mark on one answer (a comment is required unless it is accepted).
    public func mark(_ questionID: String, of questionnaire: Questionnaire, for integration: Integration.ID, mark: String?, comment: String?,
                     by actor: Actor) async throws -> AnswerMark {
        let (mark, comment) = try AnswerMark.validate(mark: mark, comment: comment)
        guard let subject = try await environment.store.integrations.find(integration) else { throw DomainError.notFound(entity: "integration") }
        try SeparationOfDuties.ensureNotOwner(actor, of: subject)
        try await environment.store.answers.mark(questionID, questionnaire: questionnaire, integration: integration, as: mark, comment: comment,
                                                 by: actor, at: environment.now())
        await watch.recheck(integration, after: "\(questionID) was marked \(mark.label.lowercased())")
        return mark
    }

    /// Checks a file by its content and attaches it to a file-evidence question; returns the stored name.
    public func attachEvidence(_ bytes: [UInt8], filename: String?, question questionID: String?, of questionnaire: Questionnaire,
                               for integration: Integration.ID, source: AnswerSource, by actor: Actor) async throws -> String {
        guard let question = questionnaire.questions.first(where: { $0.id == questionID && $0.type == .fileEvidence }) else {
            throw DomainError.validation(ValidationErrors(["file": "Choose which question the file answers."]))
        }
        guard let filename, !filename.isEmpty else {
            throw DomainError.validation(ValidationErrors([question.id: "Choose a file to attach."]))
        }
        let name = DocumentCheck.cleanName(filename)
        let type: DocumentType
        do {
            type = try DocumentCheck.detect(filename: name, bytes: bytes, maxBytes: environment.maxDocumentBytes)
        } catch let DomainError.validation(errors) {
            throw DomainError.validation(ValidationErrors([question.id: errors["file"] ?? "The file was refused."]))
        }
        let store = environment.store
        let existing = try await store.answers.evidence(integration).filter { $0.questionID == question.id && $0.questionnaireVersion == questionnaire.version }
        if existing.count >= 10 { throw DomainError.validation(ValidationErrors([question.id: "At most 10 files per question."])) }
        let document = EvidenceDocument(
            id: environment.ids(), integrationID: integration, questionnaireID: questionnaire.id, questionnaireVersion: questionnaire.version,
            questionID: question.id, filename: name, type: type, size: bytes.count, sha256: DocumentCheck.sha256(bytes), source: source,
            uploadedBy: actor.label, uploadedAt: environment.now())
        try await store.answers.attach(document, bytes: bytes, questionText: question.text, by: actor)
        await watch.recheck(integration, after: "evidence was attached to \(question.id)")
        return name
    }
}
