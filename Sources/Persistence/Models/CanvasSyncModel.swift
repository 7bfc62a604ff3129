import Domain
import FluentKit
import Foundation

final class CanvasSyncModel: Model, @unchecked Sendable {
    static let schema = "canvas_syncs"

    @ID(key: .id) var id: UUID?
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @Field(key: "started_by") var startedBy: String
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "requests") var requests: Int
    @Field(key: "canvas_url") var canvasURL: String
    @Field(key: "finding_count") var findingCount: Int
    @Field(key: "object_count") var objectCount: Int
    @OptionalField(key: "snapshot") var snapshot: String?
    @OptionalField(key: "difference") var difference: String?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $startedAt, $finishedAt, $startedBy, $outcome, $reason, $requests, $canvasURL, $findingCount, $objectCount, $snapshot,
         $difference]
    }

    init() {}

    func toDomain(withSnapshot: Bool) throws -> CanvasSync {
        guard let id, let outcome = CanvasSyncOutcome(rawValue: outcome) else { throw PersistenceError.corruptRow(table: Self.schema) }
        func decode<T: Decodable>(_ text: String?, _ type: T.Type) throws -> T? {
            guard let text else { return nil }
            guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { throw PersistenceError.corruptRow(table: Self.schema) }
            return value
        }
        return CanvasSync(id: .init(id), startedAt: startedAt, finishedAt: finishedAt, startedBy: startedBy, outcome: outcome, reason: reason,
                          requests: requests, canvasURL: canvasURL, snapshot: withSnapshot ? try decode(snapshot, CanvasSnapshot.self) : nil,
                          difference: try decode(difference, CanvasDifference.self), findingCount: findingCount)
    }
}

final class CanvasFindingModel: Model, @unchecked Sendable {
    static let schema = "canvas_findings"

    @ID(key: .id) var id: UUID?
    @Field(key: "sync_id") var syncID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "kind") var kind: String
    @Field(key: "severity") var severity: String
    @OptionalField(key: "integration_id") var integrationID: String?
    @OptionalField(key: "integration_name") var integrationName: String?
    @Field(key: "object_kind") var objectKind: String
    @Field(key: "object_id") var objectID: String
    @Field(key: "object_name") var objectName: String
    @Field(key: "canvas_says") var canvasSays: String
    @Field(key: "approved") var approved: String
    @Field(key: "fix") var fix: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $syncID, $position, $kind, $severity, $integrationID, $integrationName, $objectKind, $objectID, $objectName, $canvasSays,
         $approved, $fix]
    }

    init() {}

    func toDomain() throws -> CanvasFinding {
        guard let kind = CanvasFindingKind(rawValue: kind), let severity = FindingSeverity(rawValue: severity),
              let objectKind = CanvasObjectKind(rawValue: objectKind) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return CanvasFinding(kind: kind, severity: severity, integrationID: integrationID, integrationName: integrationName, objectKind: objectKind,
                             objectID: objectID, objectName: objectName, canvasSays: canvasSays, approved: approved, fix: fix)
    }
}

final class JobLeaseModel: Model, @unchecked Sendable {
    static let schema = "job_leases"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "holder") var holder: String
    @Field(key: "expires_at") var expiresAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $holder, $expiresAt] }

    init() {}
}
