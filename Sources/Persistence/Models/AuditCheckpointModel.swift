import Domain
import FluentKit
import Foundation

/// A chain head written down at an export or once a day, keyed by its sequence number.
final class AuditCheckpointModel: Model, @unchecked Sendable {
    static let schema = "audit_checkpoints"

    @ID(custom: "seq", generatedBy: .user) var id: Int64?
    @Field(key: "hash") var hash: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "reason") var reason: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $hash, $recordedAt, $reason] }

    init() {}

    init(_ checkpoint: AuditCheckpoint) {
        id = checkpoint.sequence
        hash = checkpoint.hash
        recordedAt = checkpoint.recordedAt
        reason = checkpoint.reason.rawValue
    }

    func toDomain() throws -> AuditCheckpoint {
        guard let id, let reason = AuditCheckpoint.Reason(rawValue: reason) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return AuditCheckpoint(sequence: id, hash: hash, recordedAt: recordedAt, reason: reason)
    }
}
