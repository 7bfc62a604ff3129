import Domain
import Foundation
@testable import Persistence
import SQLKit
import TestSupport
import Testing

@Suite("Drift scans on every engine")
struct DriftRepositoryTests {
    @Test(arguments: TestEngine.available)
    func scansAreStoredWithTheirFindingsAndIdentitiesAreAudited(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let quill = try await store.integrations.create(integrationFields("Roster sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let other = try await store.integrations.create(integrationFields("Grade pass-back"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)

            #expect(try await store.drift.identity(quill.id) == LogIdentity())
            let identity = LogIdentity(serviceAccountUserIDs: ["4242"], userAgentPatterns: ["QuillBot/"])
            try await store.drift.saveIdentity(identity, for: quill.id, by: admin, at: t0)
            try await store.drift.saveIdentity(identity, for: quill.id, by: admin, at: t0)
            #expect(try await store.drift.identities() == [quill.id: identity])
            let identityEvents = try await store.audit.list(AuditQuery(action: "log_identity")).items
            #expect(identityEvents.count == 1, "saving the same identity again is not a change")
            #expect(identityEvents.first?.summary.contains("“QuillBot/”") == true)

            let finding = DriftFinding(kind: .outOfScope, method: "GET", endpoint: "/api/v1/courses/:course_id/enrollments", inCatalog: true, count: 3,
                                       firstSeen: "2026-11-20T09:00:00Z", lastSeen: "2026-11-21T08:00:00Z", sampleUserAgents: ["QuillBot/2.1", "Quill \"x\""],
                                       samplePath: "/api/v1/courses/13/enrollments")
            let include = DriftFinding(kind: .includeNotAllowed, method: "GET", endpoint: "/api/v1/courses/:course_id/users", inCatalog: true, count: 9,
                                       firstSeen: "a", lastSeen: "b", sampleUserAgents: [], samplePath: "/api/v1/courses/1/users")
            let report = DriftReport(
                rows: 100, malformed: 2, malformedSamples: [MalformedRow(file: "a.csv", line: 7, reason: "no url")], attributed: 50, unattributed: 48,
                ignored: 0, otherKnownKeyRequests: 0, firstSeen: "2026-11-20T09:00:00Z", lastSeen: "2026-11-21T08:00:00Z",
                integrations: [
                    IntegrationDrift(integrationID: quill.id.description, name: "Roster sync", requests: 40, inScope: 37, outOfScope: 3, includeFlagged: 9, notAPI: 0,
                                     findings: [include, finding]),
                    IntegrationDrift(integrationID: other.id.description, name: "Grade pass-back", requests: 10, inScope: 10, outOfScope: 0, includeFlagged: 0,
                                     notAPI: 0, findings: []),
                ],
                unknownKeys: [UnknownKeyUse(keyID: "555", count: 1, firstSeen: "x", lastSeen: "x", sampleUserAgents: ["curl"])], unknownKeysNotListed: 0,
                idleKeys: [IdleKey(keyID: "170000000000001", integrationID: other.id.description, name: "Grade pass-back")], findingsNotListed: 0)
            let id = DriftScan.ID(UUID())
            _ = try await store.drift.record(report, files: ["a.csv", "b.jsonl.gz"], id: id, by: admin, at: t0)

            let stored = try #require(try await store.drift.scan(id))
            #expect(stored.report == report, "the scan reads back exactly, findings included")
            #expect(stored.files == ["a.csv", "b.jsonl.gz"])
            let summaries = try await store.drift.scans(limit: 10)
            #expect(summaries.map(\.rows) == [100] && summaries.first?.outOfScope == 3 && summaries.first?.findings == 2)
            let (latest, drift) = try #require(try await store.drift.latest(for: quill.id))
            #expect(latest.id == id && drift.findings == [include, finding])
            #expect(try await store.drift.latest(for: other.id)?.1.findings == [])
            // Read for several at once, the same as one by one.
            let batch = try await store.drift.latest(for: [quill.id, other.id, Integration.ID(UUID())])
            #expect(batch.count == 2)
            #expect(batch[quill.id]?.0.id == id && batch[quill.id]?.1 == drift && batch[other.id]?.1.findings == [])
            #expect(try await store.drift.latest(for: []).isEmpty)
            let scanEvent = try #require(try await store.audit.list(AuditQuery(entityType: "drift_scan")).items.first)
            #expect(scanEvent.summary.contains("3 out-of-scope requests (Roster sync: 3)") && scanEvent.summary.contains("1 idle keys"))
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func oldScansAreDeletedWithTheirFindingsButTheNewestIsKept(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let quill = try await store.integrations.create(integrationFields("Roster sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let finding = DriftFinding(kind: .outOfScope, method: "GET", endpoint: "/api/v1/courses/:course_id/enrollments", inCatalog: true, count: 3,
                                       firstSeen: "a", lastSeen: "b", sampleUserAgents: [], samplePath: "/api/v1/courses/13/enrollments")
            let report = DriftReport(rows: 3, malformed: 0, malformedSamples: [], attributed: 3, unattributed: 0, ignored: 0, otherKnownKeyRequests: 0,
                                     firstSeen: nil, lastSeen: nil,
                                     integrations: [IntegrationDrift(integrationID: quill.id.description, name: "Roster sync", requests: 3, inScope: 0, outOfScope: 3,
                                                                     includeFlagged: 0, notAPI: 0, findings: [finding])],
                                     unknownKeys: [], unknownKeysNotListed: 0, idleKeys: [], findingsNotListed: 0)
            let day: TimeInterval = 86_400
            var ids: [DriftScan.ID] = []
            for offset in [0.0, 10, 20] {
                let id = DriftScan.ID(UUID())
                _ = try await store.drift.record(report, files: ["log-\(Int(offset)).csv"], id: id, by: admin, at: t0.addingTimeInterval(offset * day))
                ids.append(id)
            }
            #expect(try await store.drift.deleteScans(before: t0.addingTimeInterval(15 * day), by: .system, at: t0.addingTimeInterval(30 * day)) == 2)
            #expect(try await store.drift.scans(limit: 10).map(\.id) == [ids[2]])
            #expect(try await store.drift.scan(ids[0]) == nil)
            #expect(try await store.drift.scan(ids[2])?.report == report)
            let remaining = try await sqlDatabase(db).raw("SELECT COUNT(*) AS n FROM drift_findings").first()?.decode(column: "n", as: Int.self)
            #expect(remaining == 1, "the deleted scans' findings went with them")
            // However old, the newest scan stays; and the deletion is one audited event.
            #expect(try await store.drift.deleteScans(before: t0.addingTimeInterval(1_000 * day), by: .system, at: t0.addingTimeInterval(1_000 * day)) == 0)
            #expect(try await store.drift.scans(limit: 10).count == 1)
            let events = try await store.audit.list(AuditQuery(action: "delete_old")).items
            #expect(events.count == 1 && events.first?.summary.hasPrefix("Deleted 2 drift scan(s)") == true && events.first?.actorLabel == "system")
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func anUploadIsScannedByOneWorkerAndEndsWithItsScanInOneTransaction(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let jobs = db.store.drift.jobs
            let upload: [UInt8] = Array("timestamp,http_method,url\n".utf8) + [0, 0xFF, 0x1F]
            let first = DriftJob(id: .init(UUID()), fileName: "a.csv", byteCount: Int64(upload.count), createdBy: admin, createdAt: t0)
            let second = DriftJob(id: .init(UUID()), fileName: "b.csv.gz", byteCount: 3, createdBy: admin, createdAt: t0.addingTimeInterval(1))
            try await jobs.enqueue(first, upload: upload)
            try await jobs.enqueue(second, upload: [1, 2, 3])
            #expect(try await jobs.find(first.id) == first, "a job reads back exactly")

            // Two workers claim at once, then a third: each job is claimed once, with its bytes.
            let lease = t0.addingTimeInterval(DriftJob.leaseSeconds)
            async let a = jobs.claim(holder: "worker-a", now: t0, leaseUntil: lease)
            async let b = jobs.claim(holder: "worker-b", now: t0, leaseUntil: lease)
            var claims: [(holder: String, job: DriftJob, bytes: [UInt8])] = []
            if let claim = try await a { claims.append(("worker-a", claim.0, claim.1)) }
            if let claim = try await b { claims.append(("worker-b", claim.0, claim.1)) }
            // (On PostgreSQL the loser of a race for one row waits on it, finds it taken, and gets nothing this round.)
            if let claim = try await jobs.claim(holder: "worker-c", now: t0, leaseUntil: lease) { claims.append(("worker-c", claim.0, claim.1)) }
            let claimedIDs: [DriftJob.ID] = claims.map(\.job.id)
            #expect(claimedIDs.count == 2 && Set(claimedIDs) == Set([first.id, second.id]))
            #expect(try await jobs.claim(holder: "worker-d", now: t0, leaseUntil: lease) == nil, "nothing is claimed twice")
            let claimedFirst = try #require(claims.first { $0.job.id == first.id })
            #expect(claimedFirst.bytes == upload, "the upload's bytes come back exactly")
            #expect(claimedFirst.job.state == .scanning && claimedFirst.job.attempts == 1)

            // Only the job's own worker records progress.
            #expect(try await jobs.progress(first.id, holder: "worker-x", bytesScanned: 10, rows: 2, leaseUntil: lease) == false)
            #expect(try await jobs.progress(first.id, holder: claimedFirst.holder, bytesScanned: 10, rows: 1, leaseUntil: lease))
            #expect(try await jobs.find(first.id)?.rowsScanned == 1)

            // The scan and the job's end commit together; the upload is forgotten.
            let scanID = DriftScan.ID(UUID())
            let report = DriftReport(rows: 2, malformed: 0, malformedSamples: [], attributed: 0, unattributed: 2, ignored: 0, otherKnownKeyRequests: 0,
                                     firstSeen: nil, lastSeen: nil, integrations: [], unknownKeys: [], unknownKeysNotListed: 0, idleKeys: [], findingsNotListed: 0)
            _ = try await db.store.drift.record(report, files: ["a.csv"], id: scanID, by: admin, at: t0, job: first.id)
            let done = try #require(try await jobs.find(first.id))
            #expect(done.state == .done && done.scanID == scanID && done.percentDone == 100 && done.finishedAt == t0)
            #expect(done.rowsScanned == 2 && done.bytesScanned == Int64(upload.count), "the end says the whole upload was read")
            let sql = try #require(db.database as? any SQLDatabase)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM drift_job_uploads WHERE id = \(bind: first.id.rawValue)").first()?.decode(column: "n", as: Int.self) == 0)

            // A worker that died: once its lease ran out the job is claimed again, and after
            // `maxAttempts` interruptions it is failed instead, its upload forgotten.
            var now = t0
            for attempt in 2...DriftJob.maxAttempts {
                now = now.addingTimeInterval(DriftJob.leaseSeconds + 1)
                let again = try #require(try await jobs.claim(holder: "worker-\(attempt)", now: now, leaseUntil: now.addingTimeInterval(DriftJob.leaseSeconds)))
                #expect(again.0.id == second.id && again.0.attempts == attempt)
            }
            now = now.addingTimeInterval(DriftJob.leaseSeconds + 1)
            #expect(try await jobs.claim(holder: "worker-last", now: now, leaseUntil: now.addingTimeInterval(60)) == nil)
            let gaveUp = try #require(try await jobs.find(second.id))
            #expect(gaveUp.state == .failed && gaveUp.problem == DriftJob.interruptedProblem)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM drift_job_uploads").first()?.decode(column: "n", as: Int.self) == 0)

            // A refused log: failed with its reason, by its holder only.
            let third2 = DriftJob(id: .init(UUID()), fileName: "c.csv", byteCount: 1, createdBy: admin, createdAt: now)
            try await jobs.enqueue(third2, upload: [0x41])
            _ = try #require(try await jobs.claim(holder: "worker-z", now: now, leaseUntil: now.addingTimeInterval(60)))
            try await jobs.fail(third2.id, holder: "someone-else", problem: "no", at: now)
            #expect(try await jobs.find(third2.id)?.state == .scanning)
            try await jobs.fail(third2.id, holder: "worker-z", problem: "This log cannot be scanned: the log is empty.", at: now)
            #expect(try await jobs.find(third2.id)?.problem == "This log cannot be scanned: the log is empty.")
            #expect(try await jobs.list(states: [.failed], limit: 10).map(\.id) == [third2.id, second.id])

            // Finished jobs are forgotten after a while; the scan stays.
            #expect(try await jobs.deleteFinished(before: now.addingTimeInterval(1)) == 3)
            #expect(try await jobs.list(states: DriftJob.State.allCases, limit: 10).isEmpty)
            #expect(try await db.store.drift.scan(scanID) != nil)
        }
    }
}

