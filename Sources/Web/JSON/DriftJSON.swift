import Domain
import Vapor

/// The JSON shapes of scans, shared by the API and `vendor-review drift --json`.
enum DriftJSON {
    static func job(_ j: DriftJob) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "id": j.id.description, "url": "/api/v1/drift/jobs/\(j.id)", "fileName": j.fileName, "byteCount": Int(j.byteCount), "state": j.state.rawValue,
            "bytesScanned": Int(j.bytesScanned), "rowsScanned": j.rowsScanned, "percentDone": j.percentDone, "attempts": j.attempts,
            "scanID": j.scanID?.description, "scanURL": j.scanID.map { "/api/v1/drift/scans/\($0)" }, "problem": j.problem,
            "createdAt": Format.iso(j.createdAt), "createdBy": j.createdBy.label, "startedAt": j.startedAt.map(Format.iso),
            "finishedAt": j.finishedAt.map(Format.iso),
        ])
    }

    static func summary(_ s: DriftScanSummary) -> NullableJSON<JSONKey> {
        ReviewJSON.object(["id": s.id.description, "createdAt": Format.iso(s.createdAt), "createdBy": s.createdBy, "files": s.files, "rows": s.rows,
                           "malformed": s.malformed, "outOfScope": s.outOfScope, "findings": s.findings])
    }

    static func finding(_ f: DriftFinding) -> NullableJSON<JSONKey> {
        ReviewJSON.object(["kind": f.kind.rawValue, "method": f.method, "endpoint": f.endpoint, "inCatalog": f.inCatalog, "count": f.count,
                           "firstSeen": f.firstSeen, "lastSeen": f.lastSeen, "sampleUserAgents": f.sampleUserAgents, "samplePath": f.samplePath])
    }

    static func integration(_ i: IntegrationDrift) -> NullableJSON<JSONKey> {
        ReviewJSON.object(["integrationID": i.integrationID, "name": i.name, "requests": i.requests, "inScope": i.inScope, "outOfScope": i.outOfScope,
                           "includeFlagged": i.includeFlagged, "notAPI": i.notAPI, "findings": i.findings.map(finding)])
    }

    static func scan(_ scan: DriftScan) -> NullableJSON<JSONKey> {
        let r = scan.report
        return ReviewJSON.object([
            "id": scan.id.description, "createdAt": Format.iso(scan.createdAt), "createdBy": scan.createdBy, "files": scan.files,
            "rows": r.rows, "malformed": r.malformed,
            "malformedRows": r.malformedSamples.map { ReviewJSON.object(["file": $0.file, "line": $0.line, "reason": $0.reason]) },
            "attributed": r.attributed, "unattributed": r.unattributed, "ignored": r.ignored, "otherKnownKeyRequests": r.otherKnownKeyRequests,
            "firstSeen": r.firstSeen, "lastSeen": r.lastSeen, "outOfScope": r.outOfScopeTotal,
            "integrations": r.integrations.map(integration),
            "unknownKeys": r.unknownKeys.map { ReviewJSON.object(["keyID": $0.keyID, "count": $0.count, "firstSeen": $0.firstSeen, "lastSeen": $0.lastSeen,
                                                                   "sampleUserAgents": $0.sampleUserAgents]) },
            "unknownKeysNotListed": r.unknownKeysNotListed,
            "idleKeys": r.idleKeys.map { ReviewJSON.object(["keyID": $0.keyID, "integrationID": $0.integrationID, "name": $0.name]) },
            "findingsNotListed": r.findingsNotListed,
            "findingsListCut": r.findingsListCut, "findingLimit": DriftScanner.findingLimit,
        ])
    }
}
