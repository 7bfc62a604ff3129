import Domain
import FluentKit
import Foundation

final class ReviewModel: Model, @unchecked Sendable {
    static let schema = "reviews"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "reviewer_id") var reviewerID: UUID
    @Field(key: "scope") var scope: String
    /// JSON object: ACR area → outcome.
    @Field(key: "outcomes") var outcomes: String
    @OptionalField(key: "remediation") var remediation: String?
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "decision") var decision: String?
    @OptionalField(key: "conditions") var conditions: String?
    @OptionalField(key: "decided_on") var decidedOn: String?
    @OptionalField(key: "valid_until") var validUntil: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_by_id") var decidedByID: UUID?
    @OptionalField(key: "supersedes_id") var supersedesID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "version") var version: Int

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $integrationID, $kind, $reviewerID, $scope, $outcomes, $remediation, $dueOn, $decision, $conditions, $decidedOn, $validUntil,
         $decidedBy, $decidedByID, $supersedesID, $createdBy, $createdAt, $updatedAt, $version]
    }

    init() {}

    func apply(_ fields: ReviewFields) {
        reviewerID = fields.reviewerID.rawValue
        scope = fields.scope
        let keyed = Dictionary(uniqueKeysWithValues: fields.outcomes.map { ($0.key.rawValue, $0.value.rawValue) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        outcomes = String(decoding: (try? encoder.encode(keyed)) ?? Data("{}".utf8), as: UTF8.self)
        remediation = fields.remediation
        dueOn = fields.dueOn
    }

    func toDomain() throws -> Review {
        guard let id, let kind = ReviewKind(rawValue: kind),
              let keyed = try? JSONDecoder().decode([String: String].self, from: Data(outcomes.utf8))
        else { throw PersistenceError.corruptRow(table: Self.schema) }
        var parsed: [ACRArea: ACROutcome] = [:]
        for (key, value) in keyed {
            if let area = ACRArea(rawValue: key), let outcome = ACROutcome(rawValue: value) { parsed[area] = outcome }
        }
        var record: ReviewDecisionRecord?
        if let raw = decision {
            guard let decision = ReviewDecision(rawValue: raw), let decidedOn, let validUntil else { throw PersistenceError.corruptRow(table: Self.schema) }
            record = ReviewDecisionRecord(decision: decision, conditions: conditions, decidedOn: decidedOn, validUntil: validUntil)
        }
        return Review(
            id: .init(id), integrationID: .init(integrationID), kind: kind,
            fields: ReviewFields(reviewerID: .init(reviewerID), scope: scope, outcomes: parsed, remediation: remediation, dueOn: dueOn),
            decision: record, decidedBy: decidedBy, decidedByID: decidedByID.map { .init($0) }, supersedes: supersedesID.map { .init($0) },
            createdBy: createdBy, createdAt: createdAt, updatedAt: updatedAt, version: version)
    }
}
