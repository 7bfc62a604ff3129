import Domain
import Operations
import Persistence
import Vapor

/// Scope drift: scans of Canvas request logs, their findings, and how integrations appear in logs.
/// Large logs go through `vendor-review drift`; the page takes uploads up to `maxUpload`.
struct DriftController: Sendable {
    static let maxUpload = 32 * 1_048_576

    // MARK: Pages

    func index(req: Request) async throws -> Response {
        try await req.page("drift/index", try await Self.indexContext(req))
    }

    func upload(req: Request) async throws -> Response {
        do {
            guard let file = try req.form(FileUploadForm.self).file, file.data.readableBytes > 0 else {
                throw DomainError.validation(ValidationErrors(["file": "Choose a request log (CSV or JSON Lines, gzip or not)."]))
            }
            let name = DocumentCheck.cleanName(file.filename)
            let scan = try await req.operations.drift.scan(upload: [UInt8](file.data.readableBytesView), named: name, by: req.actor)
            let report = scan.report
            return req.redirect(to: .driftScan(scan.id), flash: "Scanned \(report.rows) rows: \(report.outOfScopeTotal) out-of-scope requests, \(report.malformed) malformed rows.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("drift/index", try await Self.indexContext(req, error: mapped.fields["file"] ?? mapped.message), status: mapped.status)
        }
    }

    func show(req: Request) async throws -> Response {
        let scan = try await Self.scanParameter(req)
        return try await req.page("drift/show", DriftScanContext(req, scan))
    }

    func saveIdentity(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(LogIdentityForm.self)
        do {
            _ = try await req.operations.drift.saveIdentity(userIDs: form.serviceAccountUserIDs ?? "", userAgents: form.userAgentPatterns ?? "",
                                                            for: integration, by: req.actor)
            return req.redirect(to: .integration(integration.id), flash: "Request-log identity saved; the next scan uses it.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await IntegrationPage.render(
                req, integration,
                .identityFailed(values: form.values, errors: mapped.fields.isEmpty ? ["serviceAccountUserIDs": mapped.message] : mapped.fields),
                status: mapped.status)
        }
    }

    static func indexContext(_ req: Request, error: String? = nil) async throws -> DriftIndexContext {
        let scans = try await req.store.drift.scans(limit: 50)
        return DriftIndexContext(
            layout: LayoutContext(req, title: "Scope drift"),
            scans: scans.map { scan in
                .init(url: SiteURL.driftScan(scan.id).path, when: Format.dateTime(scan.createdAt), by: scan.createdBy, files: scan.files.joined(separator: ", "),
                      rows: scan.rows.formatted(), malformed: scan.malformed.formatted(), outOfScope: scan.outOfScope.formatted(), findings: scan.findings)
            }.nonEmpty,
            canUpload: Routes.editorAccess.allows(req.currentUser?.role), uploadURL: SiteURL.drift.path,
            maxUploadMB: maxUpload / 1_048_576, error: error)
    }

    static func scanParameter(_ req: Request) async throws -> DriftScan {
        try await req.record("scanID", "drift scan", req.store.drift.scan)
    }

    // MARK: API

    func apiScans(req: Request) async throws -> Response {
        try await req.store.drift.scans(limit: 100).map(DriftJSON.summary).json(req)
    }

    /// The request body is the log file itself; `?name=` labels it.
    func apiUpload(req: Request) async throws -> Response {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DomainError.validation(ValidationErrors(["file": "Send the request log as the request body."]))
        }
        let name = DocumentCheck.cleanName((try? req.query.get(String.self, at: "name")) ?? "API upload")
        let scan = try await req.operations.drift.scan(upload: [UInt8](body.readableBytesView), named: name, by: req.actor)
        return try DriftJSON.scan(scan).json(req, status: .created)
    }

    func apiScan(req: Request) async throws -> Response {
        try DriftJSON.scan(try await Self.scanParameter(req)).json(req)
    }

    func apiIntegration(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let identity = try await req.store.drift.identity(integration.id)
        let latest = try await req.store.drift.latest(for: integration.id)
        return try ReviewJSON.object([
            "integrationID": integration.id.description,
            "serviceAccountUserIDs": identity.serviceAccountUserIDs, "userAgentPatterns": identity.userAgentPatterns,
            "scan": latest.map { DriftJSON.summary($0.0) }, "drift": latest.map { DriftJSON.integration($0.1) },
        ]).json(req)
    }

    func apiSaveIdentity(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        struct Body: Content {
            var serviceAccountUserIDs: [String]?
            var userAgentPatterns: [String]?
        }
        let body = try req.content.decode(Body.self)
        let identity = try await req.operations.drift.saveIdentity(
            userIDs: (body.serviceAccountUserIDs ?? []).joined(separator: "\n"), userAgents: (body.userAgentPatterns ?? []).joined(separator: "\n"),
            for: integration, by: req.actor)
        return try ReviewJSON.object(["integrationID": integration.id.description, "serviceAccountUserIDs": identity.serviceAccountUserIDs,
                                      "userAgentPatterns": identity.userAgentPatterns]).json(req)
    }
}

/// The JSON shapes of scans, shared by the API and `vendor-review drift --json`.
enum DriftJSON {
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
        ])
    }
}

struct DriftIndexContext: Encodable {
    struct Row: Encodable {
        let url: String
        let when: String
        let by: String
        let files: String
        let rows: String
        let malformed: String
        let outOfScope: String
        let findings: Int
    }
    let layout: LayoutContext
    let scans: [Row]?
    let canUpload: Bool
    let uploadURL: String
    let maxUploadMB: Int
    let error: String?
}

/// One finding as pages show it (the scan page, the integration page, the hygiene report).
struct DriftFindingRow: Encodable {
    let kind: String
    let kindKey: String
    let method: String
    let endpoint: String
    let inCatalog: Bool
    let count: String
    let firstSeen: String
    let lastSeen: String
    let userAgents: String
    let samplePath: String

    init(_ f: DriftFinding) {
        kind = f.kind.label
        kindKey = f.kind.rawValue
        method = f.method
        endpoint = f.endpoint
        inCatalog = f.inCatalog
        count = f.count.formatted()
        firstSeen = f.firstSeen
        lastSeen = f.lastSeen
        userAgents = f.sampleUserAgents.joined(separator: " · ")
        samplePath = f.samplePath
    }
}

struct DriftScanContext: Encodable {
    struct IntegrationRow: Encodable {
        let name: String
        let url: String
        let requests: String
        let inScope: String
        let outOfScope: String
        let includeFlagged: String
        let notAPI: String
        let findings: [DriftFindingRow]?
    }
    struct KeyRow: Encodable {
        let keyID: String
        let count: String
        let seen: String
        let userAgents: String
    }
    struct IdleRow: Encodable {
        let keyID: String
        let name: String
        let url: String
    }
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    let layout: LayoutContext
    let facts: [Fact]
    let integrations: [IntegrationRow]?
    let quiet: Int
    let unknownKeys: [KeyRow]?
    let unknownKeysNotListed: Int
    let idleKeys: [IdleRow]?
    let malformed: [Fact]?
    let malformedMore: Int
    let jsonURL: String

    init(_ req: Request, _ scan: DriftScan) {
        let r = scan.report
        layout = LayoutContext(req, title: "Drift scan of \(Format.dateTime(scan.createdAt))")
        facts = [
            .init(label: "Run", value: "\(Format.dateTime(scan.createdAt)) by \(scan.createdBy)"),
            .init(label: "Files", value: scan.files.joined(separator: ", ")),
            .init(label: "Log covers", value: r.firstSeen.map { "\($0) – \(r.lastSeen ?? $0)" } ?? "no timestamps"),
            .init(label: "Rows", value: "\(r.rows.formatted()) (\(r.malformed.formatted()) malformed, \(r.ignored.formatted()) OPTIONS or other methods)"),
            .init(label: "Attributed to integrations", value: "\(r.attributed.formatted()); \(r.unattributed.formatted()) not ours (people, other tools); \(r.otherKnownKeyRequests.formatted()) with inherited keys"),
            .init(label: "Out of scope", value: "\(r.outOfScopeTotal.formatted()) requests" + (r.findingsNotListed > 0 ? " (\(r.findingsNotListed) beyond the listed findings)" : "")),
        ]
        let active = r.integrations.filter { $0.requests > 0 || !$0.findings.isEmpty }
        integrations = active.map { i in
            IntegrationRow(name: i.name, url: Identifier<Integration>(string: i.integrationID).map { SiteURL.integration($0).path } ?? "#",
                           requests: i.requests.formatted(), inScope: i.inScope.formatted(), outOfScope: i.outOfScope.formatted(),
                           includeFlagged: i.includeFlagged.formatted(), notAPI: i.notAPI.formatted(), findings: i.findings.map(DriftFindingRow.init).nonEmpty)
        }.nonEmpty
        quiet = r.integrations.count - active.count
        unknownKeys = r.unknownKeys.map { KeyRow(keyID: $0.keyID, count: $0.count.formatted(), seen: "\($0.firstSeen) – \($0.lastSeen)",
                                                 userAgents: $0.sampleUserAgents.joined(separator: " · ")) }.nonEmpty
        unknownKeysNotListed = r.unknownKeysNotListed
        idleKeys = r.idleKeys.map { IdleRow(keyID: $0.keyID, name: $0.name,
                                            url: Identifier<Integration>(string: $0.integrationID).map { SiteURL.integration($0).path } ?? "#") }.nonEmpty
        malformed = r.malformedSamples.map { Fact(label: ($0.file.isEmpty ? "" : $0.file + ", ") + "line \($0.line)", value: $0.reason) }.nonEmpty
        malformedMore = r.malformed - r.malformedSamples.count
        jsonURL = "/api/v1/drift/scans/\(scan.id)"
    }
}
