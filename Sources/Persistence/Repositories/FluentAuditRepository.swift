import Domain
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
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
        if let actor = query.actor { base.filter(.custom(ContainsText(column: "actor_label", table: AuditEventModel.schema, text: actor.lowercased(), lowercased: true))) }
        if let from = query.from { base.filter(\.$occurredAt >= from) }
        if let to = query.to { base.filter(\.$occurredAt < to) }
        let total = try await base.copy().countRows()
        let rows = try await base.sort(\.$id, .descending)
            .range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func latest(_ limit: Int) async throws -> [AuditEvent] {
        try await AuditEventModel.query(on: database).sort(\.$id, .descending).limit(max(0, min(limit, PageRequest.maxSize))).all().map { try $0.toDomain() }
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

    static let streamedColumns = ["seq", "occurred_at", "actor_id", "actor_label", "entity_type", "entity_id", "action", "summary", "previous_hash", "hash"]

    /// Read below the model: an export streams every event. Each driver's rows are read as the driver
    /// hands them over (SQLKit's per-column decoder cost more than the rest of the export put together);
    /// any other database goes through SQLKit, which is still several times cheaper than a model per row.
    func events(after sequence: Int64, limit: Int) async throws -> [AuditEvent] {
        if let sqlite = database as? any SQLiteDatabase {
            let query = "SELECT \(Self.streamedColumns.joined(separator: ", ")) FROM \(AuditEventModel.schema) WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            let binds: [SQLiteData] = [.integer(SQLiteInt64(sequence)), .integer(SQLiteInt64(limit))]
            // The connection's own async query hands each row over on the thread that steps the
            // statement (the database-level one hops to the event loop once per row), so the rows are
            // turned into events there, one at a time, as SQLiteNIO's own `query` collects them.
            return try await sqlite.withConnection { connection in
                nonisolated(unsafe) var events: [AuditEvent] = []
                nonisolated(unsafe) var failure: (any Error)?
                events.reserveCapacity(limit)
                try await connection.query(query, binds) { row in
                    guard failure == nil else { return }
                    do { events.append(try Self.event(from: row)) } catch { failure = error }
                }
                if let failure { throw failure }
                return events
            }
        }
        if let postgres = database as? any PostgresDatabase {
            // PostgreSQL's rows are read cell by cell in the binary format PostgresNIO asks for, with
            // concrete decoders (its generic tuple decoding looked up type metadata for every row).
            let logger = database.logger
            return try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    let query: PostgresQuery = """
                        SELECT \(unescaped: Self.streamedColumns.joined(separator: ", ")) FROM \(unescaped: AuditEventModel.schema) \
                        WHERE seq > \(sequence) ORDER BY seq LIMIT \(limit)
                        """
                    var events: [AuditEvent] = []
                    events.reserveCapacity(limit)
                    for try await row in try await connection.query(query, logger: logger) {
                        events.append(try Self.event(from: row))
                    }
                    return events
                }
            }.get()
        }
        guard let sql = database as? any SQLDatabase else {
            return try await AuditEventModel.query(on: database).filter(\.$id > sequence).sort(\.$id, .ascending).limit(limit).all().map { try $0.toDomain() }
        }
        let rows = try await sql.select().columns(Self.streamedColumns.map { SQLIdentifier($0) })
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

    /// One event from a SQLite row, read as Fluent wrote it: the time as seconds since 1970, the actor
    /// as its UUID's text; anything else is a damaged row.
    static func event(from row: SQLiteRow) throws -> AuditEvent {
        func text(_ column: String) throws -> String {
            guard let data = row.column(column), let value = String(sqliteData: data) else { throw PersistenceError.corruptRow(table: AuditEventModel.schema) }
            return value
        }
        guard let seqData = row.column("seq"), let sequence = Int64(sqliteData: seqData) else { throw PersistenceError.corruptRow(table: AuditEventModel.schema) }
        guard let timeData = row.column("occurred_at"), let occurredAt = Date(sqliteData: timeData) else {
            throw PersistenceError.corruptRow(table: AuditEventModel.schema)
        }
        let actorID: UUID?
        switch row.column("actor_id") {
        case nil, .null?: actorID = nil
        case let .text(value)?:
            guard let id = UUID(uuidString: value) else { throw PersistenceError.corruptRow(table: AuditEventModel.schema) }
            actorID = id
        default: throw PersistenceError.corruptRow(table: AuditEventModel.schema)
        }
        return AuditEvent(sequence: sequence, occurredAt: occurredAt, actorID: actorID.map { .init($0) }, actorLabel: try text("actor_label"),
                          entityType: try text("entity_type"), entityID: try text("entity_id"), action: try text("action"),
                          summary: try text("summary"), previousHash: try text("previous_hash"), hash: try text("hash"))
    }

    /// One event from a PostgreSQL row of `streamedColumns`; a cell of another type or format than the
    /// schema's is decoded by PostgresNIO's own decoder, and anything it cannot read is a damaged row.
    static func event(from row: PostgresRow) throws -> AuditEvent {
        var cells = row.makeIterator()
        func cell() throws -> PostgresCell {
            guard let cell = cells.next() else { throw PersistenceError.corruptRow(table: AuditEventModel.schema) }
            return cell
        }
        func integer(_ cell: PostgresCell) throws -> Int64 {
            if cell.format == .binary, cell.dataType == .int8, var bytes = cell.bytes, bytes.readableBytes == 8, let value = bytes.readInteger(as: Int64.self) {
                return value
            }
            return try cell.decode(Int64.self)
        }
        func time(_ cell: PostgresCell) throws -> Date {
            if cell.format == .binary, cell.dataType == .timestamptz || cell.dataType == .timestamp, var bytes = cell.bytes,
               bytes.readableBytes == 8, let microseconds = bytes.readInteger(as: Int64.self) {
                return Date(timeInterval: Double(microseconds) / 1_000_000, since: postgresEpoch)
            }
            return try cell.decode(Date.self)
        }
        func uuid(_ cell: PostgresCell) throws -> UUID? {
            guard let bytes = cell.bytes else { return nil }
            if cell.format == .binary, cell.dataType == .uuid, bytes.readableBytes == 16 {
                return bytes.withUnsafeReadableBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
            }
            return try cell.decode(UUID.self)
        }
        func text(_ cell: PostgresCell) throws -> String {
            if cell.dataType == .text || cell.dataType == .varchar, let bytes = cell.bytes { return String(buffer: bytes) }
            return try cell.decode(String.self)
        }
        do {
            return AuditEvent(sequence: try integer(cell()), occurredAt: try time(cell()), actorID: try uuid(cell()).map { .init($0) },
                              actorLabel: try text(cell()), entityType: try text(cell()), entityID: try text(cell()), action: try text(cell()),
                              summary: try text(cell()), previousHash: try text(cell()), hash: try text(cell()))
        } catch is PostgresDecodingError {
            throw PersistenceError.corruptRow(table: AuditEventModel.schema)
        }
    }

    /// Where PostgreSQL's binary timestamps count from: midnight, 1 January 2000, UTC.
    static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

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
