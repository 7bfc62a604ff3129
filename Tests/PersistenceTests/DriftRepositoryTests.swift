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
}
