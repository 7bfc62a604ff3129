import Domain
import FluentKit
import Foundation

struct FluentCanvasSyncRepository: CanvasSyncRepository {
    let database: any Database
    static let insertBatch = 300

    func record(_ sync: CanvasSync, findings: [CanvasFinding], by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            let model = CanvasSyncModel()
            model.id = sync.id.rawValue
            model.startedAt = sync.startedAt
            model.finishedAt = sync.finishedAt
            model.startedBy = sync.startedBy
            model.outcome = sync.outcome.rawValue
            model.reason = sync.reason.map { String($0.prefix(4000)) }
            model.requests = sync.requests
            model.canvasURL = sync.canvasURL
            model.findingCount = findings.count
            model.objectCount = sync.snapshot?.objectCount ?? 0
            model.snapshot = try sync.snapshot.map(StoredJSON.text)
            model.difference = try sync.difference.map(StoredJSON.text)
            try await model.create(on: tx)
            var rows: [CanvasFindingModel] = []
            for (position, finding) in findings.enumerated() {
                let row = CanvasFindingModel()
                row.id = UUID()
                row.syncID = sync.id.rawValue
                row.position = position
                row.kind = finding.kind.rawValue
                row.severity = finding.severity.rawValue
                row.integrationID = finding.integrationID
                row.integrationName = finding.integrationName
                row.objectKind = finding.objectKind.rawValue
                row.objectID = finding.objectID
                row.objectName = finding.objectName
                row.canvasSays = finding.canvasSays
                row.approved = finding.approved
                row.fix = finding.fix
                rows.append(row)
                if rows.count == Self.insertBatch {
                    try await rows.create(on: tx)
                    rows.removeAll(keepingCapacity: true)
                }
            }
            if !rows.isEmpty { try await rows.create(on: tx) }
            return ((), [AuditEntry(occurredAt: sync.finishedAt, actor: actor, entityType: "canvas_sync", entityID: sync.id.description,
                                    action: "canvas_sync_\(sync.outcome.rawValue)", summary: Self.summary(sync, findings: findings))])
        }
    }

    /// "Canvas sync complete: 12 keys, 40 tools, 3 tokens in 17 requests; 5 findings (1 critical); since …: 2 keys switched on".
    static func summary(_ sync: CanvasSync, findings: [CanvasFinding]) -> String {
        var text = "Canvas sync \(sync.outcome.rawValue) (\(sync.canvasURL))"
        if let snapshot = sync.snapshot {
            text += ": \(snapshot.keys.count) keys, \(snapshot.registrations.count) registrations, \(snapshot.tools.count) tools, \(snapshot.tokens.count) tokens"
        }
        text += " in \(sync.requests) requests"
        if sync.snapshot != nil {
            let critical = findings.filter { $0.severity == .critical }.count
            text += "; \(findings.count) findings (\(critical) critical)"
        }
        if let difference = sync.difference { text += "; since \(Format.dateTime(difference.since)): \(difference.summary)" }
        if let reason = sync.reason { text += ". \(String(reason.prefix(600)))" }
        return text
    }

    func list(limit: Int) async throws -> [CanvasSync] {
        try await CanvasSyncModel.query(on: database)
            // Everything but the snapshot, which can run to megabytes.
            .field(\.$id).field(\.$startedAt).field(\.$finishedAt).field(\.$startedBy).field(\.$outcome).field(\.$reason)
            .field(\.$requests).field(\.$canvasURL).field(\.$findingCount).field(\.$objectCount).field(\.$difference)
            .sort(\.$startedAt, .descending).limit(max(1, min(limit, 500))).all()
            .map { try $0.toDomain(withSnapshot: false) }
    }

    func find(_ id: CanvasSync.ID) async throws -> CanvasSync? {
        try await CanvasSyncModel.find(id.rawValue, on: database)?.toDomain(withSnapshot: true)
    }

    func latestRead() async throws -> CanvasSync? {
        try await CanvasSyncModel.query(on: database).filter(\.$outcome != CanvasSyncOutcome.failed.rawValue)
            .sort(\.$startedAt, .descending).first()?.toDomain(withSnapshot: true)
    }

    func findings(_ sync: CanvasSync.ID) async throws -> [CanvasFinding] {
        try await CanvasFindingModel.query(on: database).filter(\.$syncID == sync.rawValue).sort(\.$position).all().map { try $0.toDomain() }
    }

    func acquireLease(_ name: String, holder: String, until: Date, now: Date) async throws -> Bool {
        try await JobLeaseModel.query(on: database).filter(\.$id == name).filter(\.$expiresAt < now).delete()
        let lease = JobLeaseModel()
        lease.id = name
        lease.holder = holder
        lease.expiresAt = until
        do {
            // The primary key makes this the one atomic step: two instances cannot both insert it.
            try await lease.create(on: database)
            return true
        } catch {
            if try await JobLeaseModel.find(name, on: database) != nil { return false }
            throw error
        }
    }

    func releaseLease(_ name: String, holder: String) async throws {
        try await JobLeaseModel.query(on: database).filter(\.$id == name).filter(\.$holder == holder).delete()
    }
}
