import Domain
import FluentKit
import SQLKit
import Foundation

struct FluentAuditRepository: AuditRepository {
    let database: any Database
    static let verifyBatchSize = 2_000

    func list(_ query: AuditQuery) async throws -> ResultPage<AuditEvent> {
        let base = AuditEventModel.query(on: database)
        if let entityType = query.entityType { base.filter(\.$entityType == entityType) }
        if let entityID = query.entityID { base.filter(\.$entityID == entityID) }
        if let action = query.action { base.filter(\.$action == action) }
        if let actor = query.actor { base.filter(\.$actorLabel ~~ actor.lowercased()) }
        if let from = query.from { base.filter(\.$occurredAt >= from) }
        if let to = query.to { base.filter(\.$occurredAt < to) }
        let total = try await base.copy().count()
        let rows = try await base.sort(\.$id, .descending)
            .range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func verifyChain() async throws -> (AuditChain.Verifier, AuditChain.Problem?) {
        var verifier = AuditChain.Verifier()
        var after: Int64 = 0
        while true {
            let batch = try await AuditEventModel.query(on: database)
                .filter(\.$id > after).sort(\.$id, .ascending).limit(Self.verifyBatchSize).all()
            if batch.isEmpty { break }
            if let problem = verifier.check(try batch.map { try $0.toDomain() }) { return (verifier, problem) }
            after = batch.last!.id!
        }
        // The head row must agree with the last event, or events were deleted from the end.
        if let head = try await AuditHeadModel.find(1, on: database), head.lastSequence != verifier.nextSequence - 1 {
            return (verifier, .truncated(lastFound: verifier.nextSequence - 1, headSays: head.lastSequence))
        }
        return (verifier, nil)
    }

    func distinctEntityTypes() async throws -> [String] {
        try await AuditEventModel.query(on: database).unique().all(\.$entityType).sorted()
    }

    /// Read with SQLKit rather than through the model: an export streams every event, and decoding rows
    /// column by column is several times cheaper than building a model for each.
    func events(after sequence: Int64, limit: Int) async throws -> [AuditEvent] {
        guard let sql = database as? any SQLDatabase else {
            return try await AuditEventModel.query(on: database).filter(\.$id > sequence).sort(\.$id, .ascending).limit(limit).all().map { try $0.toDomain() }
        }
        let rows = try await sql.select()
            .columns("seq", "occurred_at", "actor_id", "actor_label", "entity_type", "entity_id", "action", "summary", "previous_hash", "hash")
            .from(AuditEventModel.schema).where("seq", .greaterThan, SQLBind(sequence)).orderBy("seq").limit(limit).all()
        return try rows.map { row in
            AuditEvent(sequence: try row.decode(column: "seq", as: Int64.self), occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                       actorID: try row.decode(column: "actor_id", as: UUID?.self).map { .init($0) },
                       actorLabel: try row.decode(column: "actor_label", as: String.self), entityType: try row.decode(column: "entity_type", as: String.self),
                       entityID: try row.decode(column: "entity_id", as: String.self), action: try row.decode(column: "action", as: String.self),
                       summary: try row.decode(column: "summary", as: String.self), previousHash: try row.decode(column: "previous_hash", as: String.self),
                       hash: try row.decode(column: "hash", as: String.self))
        }
    }

    func events(entityType: String, entityID: String) async throws -> [AuditEvent] {
        try await AuditEventModel.query(on: database).filter(\.$entityType == entityType).filter(\.$entityID == entityID)
            .sort(\.$id, .ascending).all().map { try $0.toDomain() }
    }

    func head() async throws -> (sequence: Int64, hash: String) {
        guard let head = try await AuditHeadModel.find(1, on: database) else { throw PersistenceError.missingChainHead }
        return (head.lastSequence, head.lastHash)
    }

    func checkpoints() async throws -> [AuditCheckpoint] {
        try await AuditCheckpointModel.query(on: database).sort(\.$id, .ascending).all().map { try $0.toDomain() }
    }

    func record(_ checkpoint: AuditCheckpoint) async throws {
        guard try await AuditCheckpointModel.find(checkpoint.sequence, on: database) == nil else { return }
        do {
            try await AuditCheckpointModel(checkpoint).create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another instance wrote the same head at the same moment: it is recorded.
        }
    }
}
