import Domain
import FluentKit
import Foundation

final class FindingModel: Model, @unchecked Sendable {
    static let schema = "review_findings"

    @ID(key: .id) var id: UUID?
    @Field(key: "review_id") var reviewID: UUID
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "severity") var severity: String
    @Field(key: "status") var status: String
    @OptionalField(key: "risk_accepted_by") var riskAcceptedBy: String?
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $reviewID, $title, $description, $severity, $status, $riskAcceptedBy, $dueOn, $assigneeID, $createdAt, $updatedAt]
    }

    init() {}

    func toDomain() throws -> Finding {
        guard let id, let severity = FindingSeverity(rawValue: severity), let status = FindingStatus(rawValue: status) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return Finding(id: .init(id), reviewID: .init(reviewID), title: title, description: description, severity: severity, status: status,
                       riskAcceptedBy: riskAcceptedBy, dueOn: dueOn, assigneeID: assigneeID.map { .init($0) }, createdAt: createdAt, updatedAt: updatedAt)
    }
}
