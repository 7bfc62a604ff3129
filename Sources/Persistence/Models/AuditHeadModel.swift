import Domain
import FluentKit
import Foundation

/// One row (id 1) holding the chain's last sequence number and hash. Every audited write updates it
/// first, which serialises writers on both engines (a row lock on PostgreSQL, the write lock on SQLite).
final class AuditHeadModel: Model, @unchecked Sendable {
    static let schema = "audit_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "last_seq") var lastSequence: Int64
    @Field(key: "last_hash") var lastHash: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $lastSequence, $lastHash] }

    init() {}

    init(id: Int, lastSequence: Int64, lastHash: String) {
        self.id = id
        self.lastSequence = lastSequence
        self.lastHash = lastHash
    }
}
