import Domain
import Operations
import Vapor

/// One Canvas finding as pages show it (the Canvas page, the integration page, the hygiene report).
struct CanvasFindingRow: Encodable {
    let kind: String
    let kindKey: String
    let severity: String
    let severityKey: String
    let integration: String?
    let integrationURL: String?
    let object: String
    let objectID: String
    let canvasSays: String
    let approved: String
    let fix: String
    /// For objects no integration covers: start one from it (name and kind carried over).
    let startName: String?
    let startKind: String?
    /// The switch-off (or token delete) an admin may ask for from the finding, when enforcing.
    let writeAction: String?
    let writeLabel: String?

    init(_ f: CanvasFinding) {
        kind = f.kind.label
        kindKey = f.kind.rawValue
        severity = f.severity.label
        severityKey = f.severity.rawValue
        integrationURL = f.integrationID.flatMap(Integration.ID.init(string:)).map { SiteURL.integration($0).path }
        // A link always has words (a token finding knows its integration's id, not its name).
        integration = f.integrationName ?? (integrationURL == nil ? nil : "Its integration")
        object = f.objectName
        objectID = f.objectID
        canvasSays = f.canvasSays
        approved = f.approved
        fix = f.fix
        let unmatched: Set<CanvasFindingKind> = [.keyOnWithoutRelease, .toolUnreviewed]
        startName = unmatched.contains(f.kind) ? f.objectName : nil
        startKind = unmatched.contains(f.kind) ? (f.objectKind == .developerKey ? IntegrationKind.apiDeveloperKey.rawValue : IntegrationKind.lti13.rawValue) : nil
        let action: CanvasWriteAction? = switch f.objectKind {
        case .token: .tokenDelete
        case .registration: .registrationOff
        case .developerKey: SwitchOffCause.findingKinds.contains(f.kind) || f.kind == .keyUnscoped || f.kind == .keyIdle ? .keyOff : nil
        case .tool: nil
        }
        writeAction = action?.rawValue
        writeLabel = action.map { $0 == .tokenDelete ? "Delete in Canvas" : "Switch off in Canvas" }
    }
}

struct CanvasSyncSummaryRow: Encodable {
    let url: String
    let when: String
    let by: String
    let outcome: String
    let outcomeKey: String
    let requests: Int
    let milliseconds: String
    let findings: Int
    let reason: String?

    init(_ s: CanvasSync) {
        url = SiteURL.canvasSync(s.id).path
        when = Format.dateTime(s.startedAt)
        by = s.startedBy
        outcome = s.outcome.label
        outcomeKey = s.outcome.rawValue
        requests = s.requests
        milliseconds = s.milliseconds.formatted()
        findings = s.findingCount
        reason = s.reason
    }
}

/// The Canvas page: the connection, the last (or a chosen) sync with its findings, difference and objects.
struct CanvasPageContext: Encodable {
    struct Part: Encodable {
        let label: String
        let state: String
        let stateKey: String
        let count: Int
        let reason: String?
    }
    struct Group: Encodable {
        let severity: String
        let severityKey: String
        let findings: [CanvasFindingRow]
    }
    struct Change: Encodable {
        let what: String
        let detail: String
    }
    struct KeyRow: Encodable {
        let id: String
        let name: String
        let origin: String
        let state: String
        let on: Bool
        let scopes: String
        let lastUsed: String
        let tokens: String
    }
    struct ToolRow: Encodable {
        let name: String
        let context: String
        let domain: String
        let privacy: String
        let placements: String
    }
    struct VendorOption: Encodable {
        let id: String
        let name: String
    }
    /// One write to Canvas, with what an admin may do about it.
    struct WriteRow: Encodable {
        let id: String
        let title: String
        let state: String
        let stateKey: String
        let reason: String
        let outcome: String?
        let requested: String
        let performURL: String?
        let performLabel: String
        let dismissURL: String?

        /// `mayAct`: an admin may perform or dismiss an open write (the Canvas page, the dashboard).
        init(_ write: CanvasWrite, mayAct: Bool) {
            let open = mayAct && [.proposed, .failed, .pending].contains(write.state)
            id = write.id.description
            title = write.title
            state = write.state.label
            stateKey = write.state.rawValue
            reason = write.reason
            outcome = write.outcome
            requested = "\(Format.dateTime(write.requestedAt)) by \(write.requestedBy)"
            performURL = open ? SiteURL.canvasWritePerform(write.id).path : nil
            performLabel = write.state == .proposed ? "Switch off in Canvas" : "Retry"
            dismissURL = open ? SiteURL.canvasWriteDismiss(write.id).path : nil
        }
    }

    let layout: LayoutContext
    let connected: Bool
    let address: String?
    let canSync: Bool
    let syncURL: String
    let startURL: String
    let sync: CanvasSyncSummaryRow?
    let account: String?
    let parts: [Part]?
    let groups: [Group]?
    let findingCount: Int
    let differenceSummary: String?
    let changes: [Change]?
    let keys: [KeyRow]?
    let tools: [ToolRow]?
    let toolsNotListed: Int
    let tokenCount: Int
    let history: [CanvasSyncSummaryRow]?
    let vendors: [VendorOption]?
    let enforcing: Bool
    /// An admin with enforcement on may switch off from a finding.
    let canWrite: Bool
    let writesURL: String
    let writes: [WriteRow]?
    let error: String?

    static let toolRowLimit = 300

    init(_ req: Request, sync: CanvasSync?, findings: [CanvasFinding], history: [CanvasSync], vendors: [Vendor], address: String?,
         writes: [CanvasWrite] = [], enforcing: Bool = false, error: String? = nil) {
        layout = LayoutContext(req, title: "Canvas")
        connected = address != nil
        self.address = address
        canSync = Access.editors.allows(req.currentUser?.role) && address != nil
        syncURL = SiteURL.canvasSyncs.path
        startURL = SiteURL.canvasStart.path
        self.sync = sync.map(CanvasSyncSummaryRow.init)
        let snapshot = sync?.snapshot
        account = snapshot?.account.map { "\($0.name) (\($0.id))" }
        parts = snapshot.map { snapshot in
            CanvasPart.allCases.map { part in
                let outcome = snapshot.parts[part]
                return Part(label: part.label, state: outcome.map { switch $0.state { case .read: "Read"; case .skipped: "Skipped"; case .failed: "Failed"; case .unavailable: "Not on this Canvas" } } ?? "Not read",
                            stateKey: outcome?.state.rawValue ?? "failed", count: outcome?.count ?? 0, reason: outcome?.reason)
            }
        }
        groups = FindingSeverity.allCases.compactMap { severity in
            let rows = findings.filter { $0.severity == severity }.map(CanvasFindingRow.init)
            return rows.isEmpty ? nil : Group(severity: severity.label, severityKey: severity.rawValue, findings: rows)
        }.nonEmpty
        findingCount = findings.count
        differenceSummary = sync?.difference.map { "Since \(Format.dateTime($0.since)): \($0.summary)." }
        changes = sync?.difference?.changes.map { Change(what: $0.what, detail: $0.detail) }.nonEmpty
        keys = snapshot?.keys.filter { !$0.isUserGenerated }.map { key in
            KeyRow(id: key.id, name: key.name, origin: key.inherited ? "Inherited (\(key.inheritedFrom ?? "parent"))" : "This account",
                   state: key.stateText, on: key.isEffectivelyOn,
                   scopes: key.isUnscoped ? "All (unscoped)" : key.scopes.map { $0.isEmpty ? "none" : $0.joined(separator: " · ") } ?? "unknown",
                   lastUsed: key.lastUsedAt.map(Format.date) ?? "—", tokens: key.accessTokenCount.map(String.init) ?? "—")
        }.nonEmpty
        let allTools = snapshot?.tools.filter(\.isInstalled) ?? []
        tools = allTools.prefix(Self.toolRowLimit).map { tool in
            ToolRow(name: tool.name, context: tool.context, domain: tool.domain ?? "—", privacy: tool.privacyLevel ?? "—",
                    placements: tool.placements.isEmpty ? "—" : tool.placements.joined(separator: ", "))
        }.nonEmpty
        toolsNotListed = max(0, allTools.count - Self.toolRowLimit)
        tokenCount = snapshot?.tokens.count ?? 0
        self.history = history.map(CanvasSyncSummaryRow.init).nonEmpty
        self.vendors = vendors.map { VendorOption(id: $0.id.description, name: $0.fields.name) }.nonEmpty
        self.enforcing = enforcing
        canWrite = enforcing && Access.editors.allows(req.currentUser?.role) && address != nil
        writesURL = SiteURL.canvasWrites.path
        let mayAct = Access.editors.allows(req.currentUser?.role) && address != nil
        self.writes = writes.map { WriteRow($0, mayAct: mayAct) }.nonEmpty
        self.error = error
    }
}

/// The Canvas state of one integration's key or tool, from the newest sync that read something; with
/// enforcement on, an admin switches its LTI registration off here, in the whole account or in one
/// sub-account or course, and sees this integration's changes to Canvas.
struct CanvasPanel: Encodable {
    struct RegistrationRow: Encodable {
        let id: String
        let name: String
        let state: String
        let on: Bool
    }

    let connected: Bool
    let syncedAt: String?
    let syncURL: String?
    let canvasURL: String
    let keys: [String]?
    let findings: [CanvasFindingRow]?
    let registrations: [RegistrationRow]?
    /// Enforcement is on and the user may change Canvas.
    let canWrite: Bool
    let writesURL: String
    let integrationID: String
    let subAccounts: [SelectOption]?
    let writes: [CanvasPageContext.WriteRow]?
    let error: String?

    static func load(_ scope: PanelScope, _ state: IntegrationPageState = .plain) async throws -> CanvasPanel {
        let req = scope.req
        let canvas = req.operations.canvas
        let error: String? = if case .canvasWriteFailed(let message) = state { message } else { nil }
        let mayAct = Access.editors.allows(scope.role) && canvas.isConfigured
        let writes = try await req.operations.enforcement.list(CanvasWriteQuery(integrationID: scope.id, limit: 20))
            .map { CanvasPageContext.WriteRow($0, mayAct: mayAct) }.nonEmpty
        guard let sync = try await canvas.latest(), let snapshot = sync.snapshot else {
            return CanvasPanel(connected: canvas.isConfigured, syncedAt: nil, syncURL: nil, canvasURL: SiteURL.canvas.path, keys: nil, findings: nil,
                               registrations: nil, canWrite: false, writesURL: SiteURL.canvasWrites.path, integrationID: scope.id.description,
                               subAccounts: nil, writes: writes, error: error)
        }
        let releases = scope.releases
        let keyIDs = Set(releases.compactMap(\.details?.canvasKeyID))
        let keys = snapshot.keys.filter { keyIDs.contains($0.id) }.map { "Key \($0.label): \($0.stateText)" }
        let missing = keyIDs.subtracting(snapshot.keys.map(\.id)).sorted().map { "Key \($0): not in Canvas" }
        let mine = try await canvas.findings(sync.id).filter { $0.integrationID == scope.id.description }.map(CanvasFindingRow.init)
        let domains = scope.ltiHistory.first?.configuration.domains ?? []
        let released = Set(releases.filter { $0.state == .released }.compactMap(\.details?.canvasKeyID))
        let registrations = RegistrationMatch.registrations(of: scope.integration, in: snapshot, domains: domains, releasedKeys: released).map {
            RegistrationRow(id: $0.id, name: $0.name, state: $0.binding?.rawValue ?? "unknown", on: $0.binding != .off)
        }
        let rootID = snapshot.account?.id
        return CanvasPanel(connected: canvas.isConfigured, syncedAt: Format.dateTime(sync.startedAt), syncURL: SiteURL.canvasSync(sync.id).path,
                           canvasURL: SiteURL.canvas.path, keys: (keys + (snapshot.didRead(.developerKeys) ? missing : [])).nonEmpty, findings: mine.nonEmpty,
                           registrations: registrations.nonEmpty, canWrite: mayAct && req.operations.enforcement.isOn,
                           writesURL: SiteURL.canvasWrites.path, integrationID: scope.id.description,
                           subAccounts: snapshot.accounts.filter { $0.id != rootID }.map { SelectOption(value: $0.id, label: "\($0.name) (\($0.id))", selected: false) }.nonEmpty,
                           writes: writes, error: error)
    }
}
