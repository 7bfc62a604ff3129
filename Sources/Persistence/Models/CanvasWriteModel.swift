import Domain
import FluentKit
import Foundation

final class CanvasWriteModel: Model, @unchecked Sendable {
    static let schema = "canvas_writes"

    @ID(key: .id) var id: UUID?
    @Field(key: "action") var action: String
    @Field(key: "object_id") var objectID: String
    @OptionalField(key: "user_id") var userID: String?
    @OptionalField(key: "context") var context: String?
    @Field(key: "object_name") var objectName: String
    @Field(key: "state") var state: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "integration_id") var integrationID: UUID?
    @OptionalField(key: "release_id") var releaseID: UUID?
    @OptionalField(key: "finding_kind") var findingKind: String?
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "requested_at") var requestedAt: Date
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "version") var version: Int

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $action, $objectID, $userID, $context, $objectName, $state, $reason, $integrationID, $releaseID, $findingKind, $requestedBy,
         $requestedAt, $attempts, $outcome, $updatedAt, $version]
    }

    init() {}

    init(_ write: CanvasWrite) {
        id = write.id.rawValue
        action = write.target.action.rawValue
        objectID = write.target.objectID
        userID = write.target.userID
        context = write.target.context?.storage
        objectName = String(write.target.name.prefix(300))
        reason = String(write.reason.prefix(2000))
        integrationID = write.integrationID?.rawValue
        releaseID = write.releaseID?.rawValue
        findingKind = write.findingKind?.rawValue
        requestedBy = write.requestedBy
        requestedAt = write.requestedAt
        apply(write)
    }

    func apply(_ write: CanvasWrite) {
        state = write.state.rawValue
        attempts = write.attempts
        outcome = write.outcome.map { String($0.prefix(2000)) }
        updatedAt = write.updatedAt
        version = write.version
    }

    func toDomain() throws -> CanvasWrite {
        guard let id, let action = CanvasWriteAction(rawValue: action), let state = CanvasWriteState(rawValue: state) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        let context = try self.context.map { stored in
            guard let context = CanvasContext(storage: stored) else { throw PersistenceError.corruptRow(table: Self.schema) }
            return context
        }
        return CanvasWrite(id: .init(id), target: CanvasWriteTarget(action: action, objectID: objectID, userID: userID, context: context, name: objectName), state: state,
                           reason: reason, integrationID: integrationID.map { .init($0) }, releaseID: releaseID.map { .init($0) },
                           findingKind: findingKind.flatMap(CanvasFindingKind.init(rawValue:)), requestedBy: requestedBy, requestedAt: requestedAt,
                           attempts: attempts, outcome: outcome, updatedAt: updatedAt, version: version)
    }
}
