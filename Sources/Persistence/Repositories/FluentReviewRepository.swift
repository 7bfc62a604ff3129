import Domain
import FluentKit
import Foundation

struct FluentReviewRepository: ReviewRepository {
    let database: any Database

    func reviews(_ integration: Integration.ID) async throws -> [Review] {
        try await ReviewModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .sort(\.$createdAt, .descending).sort(\.$id).all().map { try $0.toDomain() }
    }

    func allDecided() async throws -> [Review] {
        try await ReviewModel.query(on: database).filter(\.$decision != nil).sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    func allOpen() async throws -> [Review] {
        try await ReviewModel.query(on: database).filter(\.$decision == nil).sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    func find(_ id: Review.ID) async throws -> Review? {
        try await ReviewModel.find(id.rawValue, on: database)?.toDomain()
    }

    func findings(_ review: Review.ID) async throws -> [Finding] {
        try await FindingModel.query(on: database).filter(\.$reviewID == review.rawValue)
            .sort(\.$createdAt).sort(\.$id).all().map { try $0.toDomain() }.sorted { $0.severity < $1.severity }
    }

    func findings(of reviews: [Review.ID]) async throws -> [Review.ID: [Finding]] {
        var rows: [Finding] = []
        for batch in Batched.chunks(reviews.map(\.rawValue)) {
            rows += try await FindingModel.query(on: database).filter(\.$reviewID ~~ Array(batch))
                .sort(\.$createdAt).sort(\.$id).all().map { try $0.toDomain() }
        }
        return Dictionary(grouping: rows, by: \.reviewID).mapValues { $0.sorted { $0.severity < $1.severity } }
    }

    private static func entry(_ tx: any Database, _ review: ReviewModel, _ actor: Actor, _ now: Date, _ action: String, _ text: String) async throws -> AuditEntry {
        let name = try await IntegrationModel.find(review.integrationID, on: tx)?.name ?? "integration"
        let kind = ReviewKind(rawValue: review.kind)?.label ?? review.kind
        return AuditEntry(occurredAt: now, actor: actor, entityType: "review", entityID: review.id?.uuidString.lowercased() ?? "",
                          action: action, summary: "\(name) — \(kind.lowercased()): \(text)")
    }

    private static func openReview(_ tx: any Database, _ id: Review.ID) async throws -> ReviewModel {
        guard let model = try await ReviewModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "review") }
        try model.toDomain().ensureOpen()
        return model
    }

    func create(_ fields: ReviewFields, kind: ReviewKind, integration: Integration.ID, id: Review.ID, supersedes: Review.ID?,
                by actor: Actor, at now: Date) async throws -> Review {
        try await AuditedWrite.run(on: database) { tx in
            guard try await IntegrationModel.find(integration.rawValue, on: tx) != nil else { throw DomainError.notFound(entity: "integration") }
            let open = try await ReviewModel.query(on: tx).filter(\.$integrationID == integration.rawValue)
                .filter(\.$kind == kind.rawValue).filter(\.$decision == nil).count()
            if open > 0 {
                throw DomainError.validation(ValidationErrors(["kind": "This integration already has an open \(kind.label.lowercased()); finish it first."]))
            }
            if let supersedes {
                guard let earlier = try await ReviewModel.find(supersedes.rawValue, on: tx), earlier.integrationID == integration.rawValue,
                      earlier.kind == kind.rawValue, earlier.decision != nil
                else { throw DomainError.validation(ValidationErrors(["kind": "Only a decided review of the same kind can be superseded."])) }
            }
            let model = ReviewModel()
            model.id = id.rawValue
            model.integrationID = integration.rawValue
            model.kind = kind.rawValue
            model.apply(fields)
            model.supersedesID = supersedes?.rawValue
            model.createdBy = actor.label
            model.createdAt = now
            model.updatedAt = now
            model.version = 1
            try await model.create(on: tx)
            let reviewer = try await UserModel.find(fields.reviewerID.rawValue, on: tx)?.email ?? "?"
            let text = (supersedes == nil ? "started" : "started again, superseding the decided review \(supersedes!)") + "; reviewer \(reviewer); scope: \(fields.scope)"
            return (try model.toDomain(), [try await Self.entry(tx, model, actor, now, "create", text)])
        }
    }

    func update(_ id: Review.ID, to fields: ReviewFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Review {
        try await AuditedWrite.run(on: database) { tx in
            let model = try await Self.openReview(tx, id)
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "review", expected: expectedVersion, actual: model.version)
            }
            let before = try model.toDomain().fields
            if before == fields { return (try model.toDomain(), []) }
            model.apply(fields)
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            var changes: [String] = []
            if before.reviewerID != fields.reviewerID { changes.append("reviewer changed") }
            if before.scope != fields.scope { changes.append("scope: \(fields.scope)") }
            for area in ACRArea.allCases where before.outcomes[area] != fields.outcomes[area] {
                changes.append("\(area.label): \(fields.outcomes[area]?.label ?? "—")")
            }
            if before.remediation != fields.remediation { changes.append("remediation: \(fields.remediation ?? "—")") }
            if before.dueOn != fields.dueOn { changes.append("due \(fields.dueOn ?? "—")") }
            return (try model.toDomain(), [try await Self.entry(tx, model, actor, now, "update", changes.joined(separator: "; "))])
        }
    }

    func addFinding(_ fields: FindingFields, to review: Review.ID, id: Finding.ID, by actor: Actor, at now: Date) async throws -> Finding {
        try await AuditedWrite.run(on: database) { tx in
            let parent = try await Self.openReview(tx, review)
            let model = FindingModel()
            model.id = id.rawValue
            model.reviewID = review.rawValue
            model.title = fields.title
            model.description = fields.description
            model.severity = fields.severity.rawValue
            model.status = FindingStatus.open.rawValue
            model.dueOn = fields.dueOn
            model.assigneeID = fields.assigneeID?.rawValue
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: tx)
            let text = "finding “\(fields.title)” (\(fields.severity.rawValue)" + (fields.dueOn.map { ", due \($0)" } ?? "") + ")"
            return (try model.toDomain(), [try await Self.entry(tx, parent, actor, now, "finding", text)])
        }
    }

    func setFindingStatus(_ id: Finding.ID, of review: Review.ID, to status: FindingStatus, by actor: Actor, at now: Date) async throws -> Finding {
        try await AuditedWrite.run(on: database) { tx in
            let parent = try await Self.openReview(tx, review)
            guard let model = try await FindingModel.query(on: tx).filter(\.$id == id.rawValue).filter(\.$reviewID == review.rawValue).first() else {
                throw DomainError.notFound(entity: "finding")
            }
            if model.status == status.rawValue { return (try model.toDomain(), []) }
            model.status = status.rawValue
            model.riskAcceptedBy = status == .riskAccepted ? actor.label : nil
            model.updatedAt = now
            try await model.update(on: tx)
            let text = "finding “\(model.title)” now \(status.label.lowercased())" + (status == .riskAccepted ? " (risk accepted by \(actor.label))" : "")
            return (try model.toDomain(), [try await Self.entry(tx, parent, actor, now, "finding_status", text)])
        }
    }

    func decide(_ id: Review.ID, expectedVersion: Int, by actor: Actor, decidedByID: User.ID, at now: Date,
                check: @escaping @Sendable (Review, [Finding]) throws -> ReviewDecisionRecord) async throws -> Review {
        try await AuditedWrite.run(on: database) { tx in
            let model = try await Self.openReview(tx, id)
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "review", expected: expectedVersion, actual: model.version)
            }
            let findings = try await FindingModel.query(on: tx).filter(\.$reviewID == id.rawValue).all().map { try $0.toDomain() }
            let record = try check(try model.toDomain(), findings)
            model.decision = record.decision.rawValue
            model.conditions = record.conditions
            model.decidedOn = record.decidedOn
            model.validUntil = record.validUntil
            model.decidedBy = actor.label
            model.decidedByID = decidedByID.rawValue
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let text = "decided \(record.decision.label.lowercased()) on \(record.decidedOn), valid until \(record.validUntil)"
                + (record.conditions.map { " — \($0)" } ?? "")
            return (try model.toDomain(), [try await Self.entry(tx, model, actor, now, "decide", text)])
        }
    }

    func reviews(of integrations: [Integration.ID]) async throws -> [Integration.ID: [Review]] {
        var result: [Integration.ID: [Review]] = [:]
        for batch in Batched.chunks(integrations.map(\.rawValue)) {
            for row in try await ReviewModel.query(on: database).filter(\.$integrationID ~~ Array(batch)).sort(\.$createdAt, .descending).sort(\.$id).all() {
                result[.init(row.integrationID), default: []].append(try row.toDomain())
            }
        }
        return result
    }
}
