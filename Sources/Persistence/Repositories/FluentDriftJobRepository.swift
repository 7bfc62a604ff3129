import Domain
import FluentKit
import Foundation
import SQLKit

struct FluentDriftJobRepository: DriftJobRepository {
    let database: any Database

    func enqueue(_ job: DriftJob, upload: [UInt8]) async throws {
        let model = DriftJobModel(job), bytes = DriftJobUploadModel(job: job.id, bytes: upload)
        try await AuditedWrite.serialized(on: database) {
            try await database.transaction { tx in
                try await bytes.create(on: tx)
                try await model.create(on: tx)
            }
        }
    }

    /// One statement claims: `UPDATE … WHERE id = (oldest claimable) AND (still claimable) RETURNING id`.
    /// On PostgreSQL a second instance that picked the same row waits on its lock, then finds it taken.
    func claim(holder: String, now: Date, leaseUntil: Date) async throws -> (DriftJob, [UInt8])? {
        let sql = database.sqlDatabase
        let exhausted = try await DriftJobModel.query(on: database).filter(\.$state == DriftJob.State.scanning.rawValue)
            .filter(\.$leaseUntil < now).filter(\.$attempts >= DriftJob.maxAttempts).all(\.$id)
        for id in exhausted { try await fail(.init(id), holder: nil, problem: DriftJob.interruptedProblem, at: now) }
        let claimable: SQLQueryString = "(state = 'queued' OR (state = 'scanning' AND lease_until < \(bind: now)))"
        let statement: SQLQueryString = """
            UPDATE drift_jobs SET state = 'scanning', holder = \(bind: holder), lease_until = \(bind: leaseUntil), \
            started_at = \(bind: now), attempts = attempts + 1, bytes_scanned = 0, rows_scanned = 0 \
            WHERE id = (SELECT id FROM drift_jobs WHERE \(claimable) ORDER BY created_at, id LIMIT 1) AND \(claimable) RETURNING id
            """
        let rows = try await AuditedWrite.serialized(on: database) { try await sql.raw(statement).all() }
        guard let id = try rows.first?.decode(column: "id", as: UUID.self) else { return nil }
        guard let job = try await DriftJobModel.find(id, on: database)?.toDomain() else { return nil }
        guard let upload = try await DriftJobUploadModel.find(id, on: database) else {
            try await fail(job.id, holder: holder, problem: "The upload is missing; upload the log again.", at: now)
            return nil
        }
        return (job, [UInt8](upload.bytes))
    }

    func progress(_ id: DriftJob.ID, holder: String, bytesScanned: Int64, rows: Int, leaseUntil: Date) async throws -> Bool {
        let sql = database.sqlDatabase
        let statement: SQLQueryString = """
            UPDATE drift_jobs SET bytes_scanned = \(bind: bytesScanned), rows_scanned = \(bind: Int64(rows)), lease_until = \(bind: leaseUntil) \
            WHERE id = \(bind: id.rawValue) AND state = 'scanning' AND holder = \(bind: holder) RETURNING id
            """
        return try await !AuditedWrite.serialized(on: database) { try await sql.raw(statement).all() }.isEmpty
    }

    func fail(_ id: DriftJob.ID, holder: String, problem: String, at now: Date) async throws {
        try await fail(id, holder: Optional(holder), problem: problem, at: now)
    }

    /// `holder` nil: whoever holds it (a job interrupted too often).
    private func fail(_ id: DriftJob.ID, holder: String?, problem: String, at now: Date) async throws {
        try await AuditedWrite.serialized(on: database) {
            try await database.transaction { tx in
                var query = DriftJobModel.query(on: tx).filter(\.$id == id.rawValue).filter(\.$state ~~ [DriftJob.State.queued.rawValue, DriftJob.State.scanning.rawValue])
                if let holder { query = query.filter(\.$holder == holder) }
                try await query.set(\.$state, to: DriftJob.State.failed.rawValue).set(\.$problem, to: String(problem.prefix(2000)))
                    .set(\.$finishedAt, to: now).set(\.$holder, to: nil).set(\.$leaseUntil, to: nil).update()
                try await DriftJobUploadModel.query(on: tx).filter(\.$id == id.rawValue).delete()
            }
        }
    }

    func find(_ id: DriftJob.ID) async throws -> DriftJob? {
        try await DriftJobModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(states: [DriftJob.State], limit: Int) async throws -> [DriftJob] {
        try await DriftJobModel.query(on: database).filter(\.$state ~~ states.map(\.rawValue)).sort(\.$createdAt, .descending).sort(\.$id)
            .limit(max(1, min(limit, 500))).all().map { try $0.toDomain() }
    }

    func deleteFinished(before: Date) async throws -> Int {
        let query = DriftJobModel.query(on: database).filter(\.$state ~~ [DriftJob.State.done.rawValue, DriftJob.State.failed.rawValue])
            .filter(\.$finishedAt < before)
        let ids = try await query.copy().all(\.$id)
        guard !ids.isEmpty else { return 0 }
        try await AuditedWrite.serialized(on: database) {
            try await database.transaction { tx in
                try await DriftJobUploadModel.query(on: tx).filter(\.$id ~~ ids).delete()
                try await DriftJobModel.query(on: tx).filter(\.$id ~~ ids).delete()
            }
        }
        return ids.count
    }

    /// Inside the transaction that stores a job's scan: the job is done and its upload forgotten.
    static func markDone(_ id: DriftJob.ID, scan: DriftScan.ID, rows: Int, at now: Date, on tx: any Database) async throws {
        guard let job = try await DriftJobModel.find(id.rawValue, on: tx) else { return }
        try await DriftJobModel.query(on: tx).filter(\.$id == id.rawValue).set(\.$state, to: DriftJob.State.done.rawValue)
            .set(\.$rowsScanned, to: Int64(rows)).set(\.$bytesScanned, to: job.byteCount)
            .set(\.$scanID, to: scan.rawValue).set(\.$finishedAt, to: now).set(\.$holder, to: nil).set(\.$leaseUntil, to: nil).update()
        try await DriftJobUploadModel.query(on: tx).filter(\.$id == id.rawValue).delete()
    }
}
