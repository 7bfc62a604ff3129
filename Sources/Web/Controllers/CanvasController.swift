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

    /// Performs a proposed switch-off, or retries a failed or waiting write; the outcome is the flash.
    func performWrite(req: Request) async throws -> Response {
        let write = try await req.record("writeID", "Canvas write", req.operations.enforcement.find)
        do {
            let done = try await req.operations.enforcement.perform(write.id, by: req.actor)
            let message = done.state == .done ? "\(done.title): done — \(done.outcome ?? "read back")." : "\(done.title): \(done.state.label.lowercased()) — \(done.outcome ?? "")"
            return req.redirect(to: .canvas, flash: message)
        } catch let refusal as CanvasSyncRefusal {
            return try await req.page("canvas/index", try await Self.context(req, sync: try await req.operations.canvas.latest(), error: refusal.description),
                                      status: .conflict)
        }
    }

    /// An admin's switch-off (key, registration, registration in one context) or token delete, confirmed
    /// with a tick, from the Canvas page or an integration's "In Canvas" panel (the answer goes back there).
    func requestWrite(req: Request) async throws -> Response {
        let form = try req.form(CanvasWriteForm.self)
        var integration: Integration?
        if let raw = form.integrationID, !raw.isEmpty {
            guard let id = Integration.ID(string: raw), let found = try await req.store.integrations.find(id) else { throw DomainError.notFound(entity: "integration") }
            integration = found
        }
        let contextID = form.context == CanvasContext.Kind.course.rawValue ? form.courseID : form.accountID
        do {
            let write = try await req.operations.enforcement.request(action: form.action, objectID: form.objectID, context: form.context, contextID: contextID,
                                                                     integration: integration?.id, confirmed: form.confirm == "yes", by: req.actor)
            let flash = "\(write.title): \(write.state == .done ? "done" : write.state.label.lowercased()) — \(write.outcome ?? "")."
            if let integration {
                req.session.data[SessionKeys.flash] = flash
                return req.redirect(to: SiteURL.integration(integration.id).path + "#canvas", redirectType: .normal)
            }
            return req.redirect(to: .canvas, flash: flash)
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            if let integration { return try await IntegrationPage.render(req, integration, .canvasWriteFailed(mapped.bannerMessage), status: mapped.status) }
            return try await req.page("canvas/index", try await Self.context(req, sync: try await req.operations.canvas.latest(), error: mapped.bannerMessage),
                                      status: mapped.status)
        }
    }

    func apiRequestWrite(req: Request) async throws -> Response {
        struct Body: Content {
            var action: String?
            var objectID: String?
            var confirm: Bool?
            var context: String?
            var contextID: String?
            var integrationID: String?
        }
        let body = try req.content.decode(Body.self)
        var integration: Integration.ID?
        if let raw = body.integrationID {
            guard let id = Integration.ID(string: raw), try await req.store.integrations.find(id) != nil else { throw DomainError.notFound(entity: "integration") }
            integration = id
        }
        let write = try await req.operations.enforcement.request(action: body.action, objectID: body.objectID, context: body.context, contextID: body.contextID,
                                                                 integration: integration, confirmed: body.confirm == true, by: req.actor)
        return try CanvasJSON.write(write).json(req, status: write.state == .done ? .created : .badGateway)
    }

    func dismissWrite(req: Request) async throws -> Response {
        let write = try await req.record("writeID", "Canvas write", req.operations.enforcement.find)
        do {
            let dismissed = try await req.operations.enforcement.dismiss(write.id, by: req.actor)
            return req.redirect(to: .canvas, flash: "\(dismissed.title): dismissed.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("canvas/index", try await Self.context(req, sync: try await req.operations.canvas.latest(), error: mapped.bannerMessage),
                                      status: mapped.status)
        }
    }

    static func context(_ req: Request, sync: CanvasSync?, error: String? = nil) async throws -> CanvasPageContext {
        var findings: [CanvasFinding] = []
        if let sync { findings = try await req.operations.canvas.findings(sync.id) }
        let history = try await req.operations.canvas.list(limit: 20)
        let vendors = Access.editors.allows(req.currentUser?.role) ? try await req.store.vendors.list(VendorQuery(page: PageRequest(page: 1, size: PageRequest.maxSize))).items : []
        let writes = try await req.operations.enforcement.list(CanvasWriteQuery(limit: 50))
        return CanvasPageContext(req, sync: sync, findings: findings, history: history, vendors: vendors, address: req.operations.canvas.address,
                                 writes: writes, enforcing: req.operations.enforcement.isOn, error: error)
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

    /// Writes to Canvas, newest first; `?state=` narrows them.
    func apiWrites(req: Request) async throws -> Response {
        struct Query: Content { var state: String? }
        let raw = try req.query.decode(Query.self).state
        let state = raw.map { CanvasWriteState(rawValue: $0) }
        if state == .some(nil) {
            throw DomainError.validation(ValidationErrors(["state": "Use one of: \(CanvasWriteState.allCases.map(\.rawValue).joined(separator: ", "))."]))
        }
        let writes = try await req.operations.enforcement.list(CanvasWriteQuery(states: state.flatMap { $0 }.map { [$0] }, limit: 500))
        return try ReviewJSON.object(["enforcing": req.operations.enforcement.isOn, "writes": writes.map(CanvasJSON.write)]).json(req)
    }

    /// 200 with the write as it ended (done or failed — a failed one says why in `outcome`); 409 when no Canvas is connected.
    func apiPerformWrite(req: Request) async throws -> Response {
        let write = try await req.record("writeID", "Canvas write", req.operations.enforcement.find)
        return try CanvasJSON.write(try await req.operations.enforcement.perform(write.id, by: req.actor)).json(req)
    }

    func apiDismissWrite(req: Request) async throws -> Response {
        let write = try await req.record("writeID", "Canvas write", req.operations.enforcement.find)
        return try CanvasJSON.write(try await req.operations.enforcement.dismiss(write.id, by: req.actor)).json(req)
    }

    /// Runs a sync now: 201 with the sync and its findings; 502 when Canvas could not be read (the failed
    /// sync is stored and returned); 409 when none is connected or another sync runs.
    func apiRun(req: Request) async throws -> Response {
        let (sync, findings) = try await req.operations.canvas.sync(by: req.actor)
        return try CanvasJSON.result(sync, findings).json(req, status: sync.outcome == .failed ? .badGateway : .created)
    }
}
