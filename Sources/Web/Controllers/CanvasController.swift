import Domain
import Operations
import Vapor

/// The Canvas connection: the last sync side by side with the records, its findings and difference,
/// running a sync now, and starting an integration from a Canvas object nobody reviewed.
struct CanvasController: Sendable {
    // MARK: Pages

    func index(req: Request) async throws -> Response {
        try await req.page("canvas/index", try await Self.context(req, sync: try await req.operations.canvas.latest()))
    }

    func show(req: Request) async throws -> Response {
        let sync = try await req.record("syncID", "Canvas sync", req.operations.canvas.find)
        return try await req.page("canvas/index", try await Self.context(req, sync: sync))
    }

    func run(req: Request) async throws -> Response {
        do {
            let (sync, findings) = try await req.operations.canvas.sync(by: req.actor)
            let message = switch sync.outcome {
            case .complete: "Canvas synced: \(findings.count) finding\(findings.count == 1 ? "" : "s")."
            case .partial: "Canvas synced in part (\(findings.count) finding\(findings.count == 1 ? "" : "s")); the parts not read are named below."
            case .failed: "The sync failed: \(sync.reason ?? "no reason given")"
            }
            return req.redirect(to: .canvasSync(sync.id), flash: message)
        } catch let refusal as CanvasSyncRefusal {
            let latest = try await req.operations.canvas.latest()
            return try await req.page("canvas/index", try await Self.context(req, sync: latest, error: refusal.description), status: .conflict)
        }
    }

    /// "Start an integration from this": the chosen vendor's new-integration form, name and kind filled in.
    func start(req: Request) async throws -> Response {
        struct Query: Content {
            var vendorID: String?
            var name: String?
            var kind: String?
        }
        let query = try req.query.decode(Query.self)
        guard let id = query.vendorID.flatMap(Vendor.ID.init(string:)), try await req.store.vendors.find(id) != nil else {
            let latest = try await req.operations.canvas.latest()
            return try await req.page("canvas/index", try await Self.context(req, sync: latest, error: "Choose the vendor the new integration belongs to."),
                                      status: .unprocessableEntity)
        }
        let kind = IntegrationKind(rawValue: query.kind ?? "")?.rawValue ?? IntegrationKind.apiDeveloperKey.rawValue
        return req.redirect(to: .newIntegrationFrom(id, name: String((query.name ?? "").prefix(200)), kind: kind))
    }

    static func context(_ req: Request, sync: CanvasSync?, error: String? = nil) async throws -> CanvasPageContext {
        var findings: [CanvasFinding] = []
        if let sync { findings = try await req.operations.canvas.findings(sync.id) }
        let history = try await req.operations.canvas.list(limit: 20)
        let vendors = Access.editors.allows(req.currentUser?.role) ? try await req.store.vendors.list(VendorQuery(page: PageRequest(page: 1, size: PageRequest.maxSize))).items : []
        return CanvasPageContext(req, sync: sync, findings: findings, history: history, vendors: vendors, address: req.operations.canvas.address, error: error)
    }

    // MARK: API

    func apiSyncs(req: Request) async throws -> Response {
        try await req.operations.canvas.list(limit: 100).map { CanvasJSON.sync($0) }.json(req)
    }

    func apiSync(req: Request) async throws -> Response {
        let sync = try await req.record("syncID", "Canvas sync", req.operations.canvas.find)
        let findings = try await req.operations.canvas.findings(sync.id)
        return try ReviewJSON.object(["sync": CanvasJSON.sync(sync, withObjects: true), "findings": findings.map(CanvasJSON.finding)]).json(req)
    }

    /// The newest sync's findings; `?severity=` and `?kind=` narrow them.
    func apiFindings(req: Request) async throws -> Response {
        struct Query: Content {
            var severity: String?
            var kind: String?
        }
        let query = try req.query.decode(Query.self)
        var errors = ValidationErrors()
        let severity = query.severity.map { FindingSeverity(rawValue: $0) }
        if severity == .some(nil) { errors.add("severity", "Use critical, high, medium or low.") }
        let kind = query.kind.map { CanvasFindingKind(rawValue: $0) }
        if kind == .some(nil) { errors.add("kind", "Use one of: \(CanvasFindingKind.allCases.map(\.rawValue).joined(separator: ", ")).") }
        try errors.throwIfAny()
        guard let latest = try await req.operations.canvas.latest() else {
            return try ReviewJSON.object(["sync": nil, "findings": [NullableJSON<JSONKey>]()]).json(req)
        }
        let findings = try await req.operations.canvas.findings(latest.id).filter { finding in
            (severity.flatMap { $0 }.map { finding.severity == $0 } ?? true) && (kind.flatMap { $0 }.map { finding.kind == $0 } ?? true)
        }
        return try ReviewJSON.object(["sync": CanvasJSON.sync(latest), "findings": findings.map(CanvasJSON.finding)]).json(req)
    }

    /// Runs a sync now: 201 with the sync and its findings; 502 when Canvas could not be read (the failed
    /// sync is stored and returned); 409 when none is connected or another sync runs.
    func apiRun(req: Request) async throws -> Response {
        let (sync, findings) = try await req.operations.canvas.sync(by: req.actor)
        return try CanvasJSON.result(sync, findings).json(req, status: sync.outcome == .failed ? .badGateway : .created)
    }
}
