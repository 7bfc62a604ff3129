import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

@Suite("Canvas syncs on every engine")
struct CanvasSyncRepositoryTests {
    static func sync(_ outcome: CanvasSyncOutcome, at when: Date, snapshot: CanvasSnapshot?) -> CanvasSync {
        CanvasSync(id: .init(UUID()), startedAt: when, finishedAt: when.addingTimeInterval(2), startedBy: "command line", outcome: outcome,
                   reason: outcome == .failed ? "Canvas refused the token (401)" : nil, requests: 14, canvasURL: "https://canvas.example.edu",
                   snapshot: snapshot, difference: nil, findingCount: 0)
    }

    @Test(arguments: TestEngine.available)
    func syncsKeepTheirSnapshotFindingsAndAuditEvent(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let key = CanvasDeveloperKey(id: "10000000000123", name: "Ledgerline “sync”", workflowState: "active", binding: .on, scopes: ["url:GET|/api/v1/courses"],
                                         requireScopes: true, redirectURIs: ["https://a.example/cb"], lastUsedAt: t0)
            let snapshot = CanvasSnapshot(account: CanvasAccount(id: "1", name: "Northfield"), permissions: ["manage_developer_keys": true],
                                          parts: [.developerKeys: .read(1), .userTokens: .skipped("no permission")], keys: [key])
            let finding = CanvasFinding(kind: .keyOnWithoutRelease, severity: .high, objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                        canvasSays: "On", approved: "No release", fix: "Release it")
            let critical = CanvasFinding(kind: .keyUnscoped, severity: .critical, integrationID: UUID().uuidString.lowercased(), integrationName: "X",
                                         objectKind: .developerKey, objectID: "2", objectName: "Wide", canvasSays: "Unscoped", approved: "2 scopes", fix: "Scope it")
            let first = Self.sync(.partial, at: t0, snapshot: snapshot)
            try await store.canvas.record(first, findings: [critical, finding], by: admin)
            let failed = Self.sync(.failed, at: t0.addingTimeInterval(60), snapshot: nil)
            try await store.canvas.record(failed, findings: [], by: admin)

            #expect(try await store.canvas.list(limit: 10).map(\.id) == [failed.id, first.id], "newest first")
            #expect(try await store.canvas.list(limit: 10).allSatisfy { $0.snapshot == nil }, "lists leave the snapshot out")
            let latest = try #require(try await store.canvas.latestRead())
            #expect(latest.id == first.id, "a failed sync is not what the next one compares with")
            #expect(latest.snapshot == snapshot, "the snapshot reads back exactly")
            #expect(try await store.canvas.findings(first.id) == [critical, finding], "in the order stored")
            #expect(try await store.canvas.find(failed.id)?.reason == "Canvas refused the token (401)")
            let events = try await store.audit.list(AuditQuery(entityType: "canvas_sync")).items
            #expect(Set(events.map(\.action)) == ["canvas_sync_partial", "canvas_sync_failed"])
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func oneHolderAtATimeUntilTheLeaseExpires(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let leases = db.store.canvas
            #expect(try await leases.acquireLease("canvas_sync", holder: "a", until: t0.addingTimeInterval(60), now: t0))
            #expect(try await leases.acquireLease("canvas_sync", holder: "b", until: t0.addingTimeInterval(60), now: t0.addingTimeInterval(30)) == false)
            try await leases.releaseLease("canvas_sync", holder: "b")  // not b's to release
            #expect(try await leases.acquireLease("canvas_sync", holder: "b", until: t0.addingTimeInterval(90), now: t0.addingTimeInterval(31)) == false)
            #expect(try await leases.acquireLease("canvas_sync", holder: "b", until: t0.addingTimeInterval(200), now: t0.addingTimeInterval(61)), "expired")
            try await leases.releaseLease("canvas_sync", holder: "b")
            #expect(try await leases.acquireLease("canvas_sync", holder: "c", until: t0.addingTimeInterval(300), now: t0.addingTimeInterval(62)))
            #expect(try await leases.acquireLease("other_job", holder: "c", until: t0.addingTimeInterval(300), now: t0.addingTimeInterval(62)), "leases are per name")
        }
    }
}
