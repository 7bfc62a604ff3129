import Domain
import Operations
import Persistence
import Vapor

/// Scope drift: scans of Canvas request logs, their findings, and how integrations appear in logs.
/// Uploads (up to `maxUpload`) are scanned in the background as jobs; larger logs go through
/// `vendor-review drift`.
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
            let job = try await req.operations.driftJobs.submit(upload: [UInt8](file.data.readableBytesView), named: name, by: req.actor)
            return req.redirect(to: .driftJob(job.id), flash: "Received \(name) (\(DocumentCheck.megabytes(Int(job.byteCount)))): it is being scanned in the background.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("drift/index", try await Self.indexContext(req, error: mapped.fields["file"] ?? mapped.message), status: mapped.status)
        }
    }

    func show(req: Request) async throws -> Response {
        let scan = try await Self.scanParameter(req)
        return try await req.page("drift/show", DriftScanContext(req, scan))
    }

    /// A background scan: its progress (the page reloads itself) until it ends; a finished scan's
    /// page takes over, a refused log says why.
    func job(req: Request) async throws -> Response {
        let job = try await req.record("jobID", "drift scan", req.operations.driftJobs.find)
        if job.state == .done, let scanID = job.scanID {
            guard let scan = try await req.store.drift.scan(scanID) else {
                return try await req.page("drift/job", DriftJobContext(req, job, scanGone: true))
            }
            let report = scan.report
            return req.redirect(to: .driftScan(scanID), flash: "Scanned \(report.rows.formatted()) rows: \(report.outOfScopeTotal.formatted()) out-of-scope requests, \(report.malformed.formatted()) malformed rows.")
        }
        return try await req.page("drift/job", DriftJobContext(req, job))
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
        let jobs = try await req.operations.driftJobs.recent()
        return DriftIndexContext(
            layout: LayoutContext(req, title: "Scope drift"),
            jobs: jobs.map(DriftJobContext.Row.init).nonEmpty,
            scans: scans.map { scan in
                .init(url: SiteURL.driftScan(scan.id).path, when: Format.dateTime(scan.createdAt), by: scan.createdBy, files: scan.files.joined(separator: ", "),
                      rows: scan.rows.formatted(), malformed: scan.malformed.formatted(), outOfScope: scan.outOfScope.formatted(), findings: scan.findings)
            }.nonEmpty,
            canUpload: Access.editors.allows(req.currentUser?.role), uploadURL: SiteURL.drift.path,
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
        let job = try await req.operations.driftJobs.submit(upload: [UInt8](body.readableBytesView), named: name, by: req.actor)
        let response = try DriftJSON.job(job).json(req, status: .accepted)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/drift/jobs/\(job.id)")
        return response
    }

    func apiJob(req: Request) async throws -> Response {
        try DriftJSON.job(try await req.record("jobID", "drift scan", req.operations.driftJobs.find)).json(req)
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

