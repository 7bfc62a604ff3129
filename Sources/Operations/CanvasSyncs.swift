import Domain
import Foundation
import Logging

/// One Canvas to talk to: its address, the account to read, and a fresh connection per sync or check.
public struct CanvasConnection: Sendable {
    public let address: String
    public let accountID: String
    /// `CANVAS_ENFORCE=on`: releases switch keys on, lifecycle and policy switch them off.
    public let enforce: Bool
    public let open: @Sendable () -> any CanvasReading

    public init(address: String, accountID: String, enforce: Bool = false, open: @escaping @Sendable () -> any CanvasReading) {
        self.address = address
        self.accountID = accountID
        self.enforce = enforce
        self.open = open
    }
}

/// How the operations find the Canvas connection, looked up at each use (the demo connects after start-up).
public struct CanvasConnector: Sendable {
    public let resolve: @Sendable () -> CanvasConnection?

    public init(resolve: @escaping @Sendable () -> CanvasConnection?) { self.resolve = resolve }
}

/// Why a sync could not start.
public enum CanvasSyncRefusal: Error, Equatable, CustomStringConvertible {
    case notConfigured
    case busy

    public var description: String {
        switch self {
        case .notConfigured: "No Canvas is connected: set CANVAS_URL and CANVAS_TOKEN_FILE (see README, “Canvas connection”)."
        case .busy: "Another Canvas sync is running (on this or another instance); try again when it has finished."
        }
    }
}

/// What `canvas check` reports: the account, and which parts of the sync this token may run.
public struct CanvasCheck: Sendable {
    public struct Part: Sendable {
        public let part: CanvasPart
        /// Nil when the token may run it.
        public let skipReason: String?
    }

    public let address: String
    public let account: CanvasAccount
    public let permissions: [String: Bool]
    public let parts: [Part]
    /// `CANVAS_ENFORCE=on`.
    public let enforce: Bool

    /// Each change enforcement may make, and why this token cannot (nil: it can, or Canvas did not say).
    public var actions: [(action: CanvasWriteAction, missing: String?)] {
        CanvasWriteAction.allCases.map { action in
            (action, permissions[action.permission] == false ? "this token's user lacks the Canvas permission \(action.permission)" : nil)
        }
    }
}

/// Reads the institution's Canvas with an admin token, compares what runs with what was approved,
/// fills the inherited-key inventory and the token register, and stores the sync, its findings and
/// its difference from the previous one. Called alike by the Canvas page, the API, the CLI and the timer.
public struct CanvasSyncs: Sendable {
    private let environment: OperationEnvironment
    private let enforcement: CanvasEnforcement
    static let lease = "canvas_sync"
    /// A sync that runs longer than this is presumed dead and its lease may be taken.
    static let leaseSeconds: Double = 30 * 60
    /// The most users whose manual tokens one sync lists.
    public static let maxTokenUsers = 5_000
    /// Report polls before giving up on the developer key report.
    static let maxReportPolls = 30

    init(_ environment: OperationEnvironment, enforcement: CanvasEnforcement) {
        self.environment = environment
        self.enforcement = enforcement
    }

    public var connection: CanvasConnection? { environment.canvas?.resolve() }
    public var isConfigured: Bool { connection != nil }
    public var address: String? { connection?.address }

    public func check() async throws -> CanvasCheck {
        guard let connector = connection else { throw CanvasSyncRefusal.notConfigured }
        let canvas = connector.open()
        let account: CanvasAccount, permissions: [String: Bool]
        do {
            account = try await CanvasWire.read(path: "/api/v1/accounts/\(connector.accountID)") { try CanvasWire.account(try await canvas.get($0, query: [])) }
            permissions = try await readPermissions(canvas, account: connector.accountID)
            await canvas.close()
        } catch {
            await canvas.close()
            throw error
        }
        return CanvasCheck(address: connector.address, account: account, permissions: permissions,
                           parts: CanvasPart.allCases.map { CanvasCheck.Part(part: $0, skipReason: Self.skipReason($0, permissions: permissions)) },
                           enforce: connector.enforce)
    }

    static func skipReason(_ part: CanvasPart, permissions: [String: Bool]) -> String? {
        guard let allowed = permissions[part.permission] else { return nil }  // unknown: try, and report what Canvas says
        return allowed ? nil : "this token's user lacks the Canvas permission \(part.permission)"
    }

    private func readPermissions(_ canvas: any CanvasReading, account: String) async throws -> [String: Bool] {
        let path = "/api/v1/accounts/\(account)/permissions"
        do {
            return try await CanvasWire.read(path: path) {
                let names = CanvasPart.permissions + CanvasWriteAction.allCases.map(\.permission).filter { !CanvasPart.permissions.contains($0) }
                return try CanvasWire.permissions(try await canvas.get($0, query: Array(Set(names)).sorted().map { ("permissions[]", $0) }))
            }
        } catch CanvasError.tokenRefused {
            throw CanvasError.tokenRefused
        } catch {
            return [:]
        }
    }

    /// One whole sync. A sync that cannot reach Canvas or whose token is refused is stored as failed
    /// (no snapshot, no findings) and returned; parts the token may not run are skipped and named.
    public func sync(by actor: Actor, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> (CanvasSync, [CanvasFinding]) {
        guard let connector = connection else { throw CanvasSyncRefusal.notConfigured }
        let store = environment.store
        let id: CanvasSync.ID = environment.ids()
        let started = environment.now()
        guard try await store.canvas.acquireLease(Self.lease, holder: id.description, until: started.addingTimeInterval(Self.leaseSeconds), now: started) else {
            throw CanvasSyncRefusal.busy
        }
        let canvas = connector.open()
        do {
            let result = try await run(canvas, connector: connector, id: id, started: started, by: actor, progress: progress)
            await canvas.close()
            try? await store.canvas.releaseLease(Self.lease, holder: id.description)
            return result
        } catch {
            await canvas.close()
            try? await store.canvas.releaseLease(Self.lease, holder: id.description)
            throw error
        }
    }

    private func run(_ canvas: any CanvasReading, connector: CanvasConnection, id: CanvasSync.ID, started: Date, by actor: Actor,
                     progress: @escaping @Sendable (String) -> Void) async throws -> (CanvasSync, [CanvasFinding]) {
        let account = connector.accountID
        var snapshot = CanvasSnapshot()
        do {
            progress("Reading the account")
            snapshot.account = try await CanvasWire.read(path: "/api/v1/accounts/\(account)") { try CanvasWire.account(try await canvas.get($0, query: [])) }
            snapshot.permissions = try await readPermissions(canvas, account: account)
        } catch let error as CanvasError {
            return try await finish(id: id, started: started, by: actor, canvas: canvas, connector: connector, snapshot: nil, reason: error.description)
        }
        do {
            for part in CanvasPart.allCases {
                if let reason = Self.skipReason(part, permissions: snapshot.permissions) {
                    snapshot.parts[part] = .skipped(reason)
                    continue
                }
                progress("Reading \(part.label.lowercased())")
                do {
                    snapshot.parts[part] = .read(try await read(part, from: canvas, account: account, into: &snapshot))
                } catch CanvasError.tokenRefused {
                    throw CanvasError.tokenRefused
                } catch let error as CanvasError {
                    snapshot.parts[part] = Self.outcome(part, error)
                    environment.logger.warning("canvas sync part not read", metadata: ["part": "\(part.rawValue)", "reason": "\(error)"])
                }
            }
        } catch let error as CanvasError {
            return try await finish(id: id, started: started, by: actor, canvas: canvas, connector: connector, snapshot: nil, reason: error.description)
        }
        // What a part failed to finish is not used: half a listing would read as keys gone.
        if !snapshot.didRead(.developerKeys) { snapshot.keys.removeAll { !$0.inherited } }
        if !snapshot.didRead(.inheritedKeys) { snapshot.keys.removeAll(where: \.inherited) }
        if !snapshot.didRead(.externalTools) { snapshot.tools.removeAll(); snapshot.accounts.removeAll() }
        if !snapshot.didRead(.ltiRegistrations) { snapshot.registrations.removeAll() }
        if !snapshot.didRead(.userTokens) { snapshot.tokens.removeAll() }
        progress("Comparing with the records")
        return try await finish(id: id, started: started, by: actor, canvas: canvas, connector: connector, snapshot: snapshot, reason: nil)
    }

    static func outcome(_ part: CanvasPart, _ error: CanvasError) -> CanvasPartOutcome {
        switch (part, error) {
        case (.ltiRegistrations, .notFound):
            .unavailable("Canvas answered 404: LTI registrations are not enabled on this Canvas (or the account is a sub-account); tools are read from external tools")
        case (_, .forbidden):
            .skipped("Canvas answered 403: this token's user lacks the permission \(part.permission)")
        default:
            .failed(error.description)
        }
    }

    private func read(_ part: CanvasPart, from canvas: any CanvasReading, account: String, into snapshot: inout CanvasSnapshot) async throws -> Int {
        switch part {
        case .developerKeys:
            let path = "/api/v1/accounts/\(account)/developer_keys"
            let keys = try await CanvasWire.read(path: path) { try await canvas.list($0, query: []).flatMap { try CanvasWire.developerKeys($0, inherited: false) } }
            snapshot.keys += keys
            return keys.count
        case .inheritedKeys:
            let path = "/api/v1/accounts/\(account)/developer_keys"
            let keys = try await CanvasWire.read(path: path) {
                try await canvas.list($0, query: [("inherited", "true")]).flatMap { try CanvasWire.developerKeys($0, inherited: true) }
            }
            snapshot.keys += keys.map { key in var key = key; key.inherited = true; return key }
            return keys.count
        case .keyReport:
            let report = try await developerKeyReport(canvas, account: account)
            var filled = 0
            for index in snapshot.keys.indices where snapshot.keys[index].inherited && snapshot.keys[index].scopes == nil {
                guard let row = report[snapshot.keys[index].id] else { continue }
                snapshot.keys[index].scopes = row.scopes
                snapshot.keys[index].requireScopes = !row.unscoped
                filled += 1
            }
            return report.count
        case .ltiRegistrations:
            let path = "/api/v1/accounts/\(account)/lti_registrations"
            let registrations = try await CanvasWire.read(path: path) {
                try await canvas.list($0, query: [("include[]", "overlaid_configuration")]).flatMap { try CanvasWire.registrations($0).items }
            }
            snapshot.registrations = registrations
            return registrations.count
        case .externalTools:
            let root = snapshot.account?.id ?? account
            let subPath = "/api/v1/accounts/\(account)/sub_accounts"
            let subAccounts = try await CanvasWire.read(path: subPath) {
                try await canvas.list($0, query: [("recursive", "true")]).flatMap(CanvasWire.accounts)
            }
            snapshot.accounts = subAccounts
            var tools: [CanvasTool] = []
            for accountID in [root] + subAccounts.map(\.id) {
                let path = "/api/v1/accounts/\(accountID)/external_tools"
                tools += try await CanvasWire.read(path: path) {
                    try await canvas.list($0, query: []).flatMap { try CanvasWire.tools($0, context: "account:\(accountID)") }
                }
            }
            snapshot.tools = tools
            return tools.count
        case .userTokens:
            let holders = try await tokenHolders()
            var tokens: [CanvasUserToken] = []
            for (userID, holder) in holders.sorted(by: { $0.key < $1.key }).prefix(Self.maxTokenUsers) {
                let path = "/api/v1/users/\(userID)/user_generated_tokens"
                do {
                    tokens += try await CanvasWire.read(path: path) {
                        try await canvas.list($0, query: []).flatMap { try CanvasWire.userTokens($0, userID: userID) }
                    }.map { token in
                        var token = token
                        token.holderRole = holder.role
                        token.integrationID = holder.integration?.description
                        return token
                    }
                } catch CanvasError.notFound {
                    continue  // the user is gone from Canvas: nothing to list
                }
            }
            snapshot.tokens = tokens
            return tokens.count
        }
    }

    /// Users whose manual tokens are listed: the integrations' service accounts and the register's Canvas users.
    private func tokenHolders() async throws -> [String: (role: TokenHolderRole, integration: Integration.ID?)] {
        let store = environment.store
        var holders: [String: (role: TokenHolderRole, integration: Integration.ID?)] = [:]
        for entry in try await store.tokenRegister.list() {
            let holder = entry.fields.holder
            guard holder.hasPrefix("Canvas user ") else { continue }
            let userID = String(holder.dropFirst("Canvas user ".count).prefix { !$0.isWhitespace })
            guard !userID.isEmpty, userID.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "~") }) else { continue }
            if holders[userID] == nil || entry.fields.role != .unknown { holders[userID] = (entry.fields.role, entry.fields.integrationID) }
        }
        for (integration, identity) in try await store.drift.identities() {
            for userID in identity.serviceAccountUserIDs { holders[userID] = (.serviceAccount, integration) }
        }
        return holders
    }

    /// Starts the developer key report, polls it until complete and reads its CSV.
    private func developerKeyReport(_ canvas: any CanvasReading, account: String) async throws -> [String: (scopes: [String], unscoped: Bool)] {
        let path = "/api/v1/accounts/\(account)/reports/developer_key_report_csv"
        var status = try await CanvasWire.read(path: path) { try CanvasWire.report(try await canvas.post($0, form: [])) }
        var polls = 0
        while status.status != "complete" {
            guard !["error", "aborted", "deleted"].contains(status.status) else {
                throw CanvasError.wire(path: path, problem: "the report ended with status \(status.status)")
            }
            polls += 1
            guard polls <= Self.maxReportPolls else { throw CanvasError.timedOut(path: path) }
            try await canvas.pause(seconds: min(10, Double(polls)))
            status = try await CanvasWire.read(path: "\(path)/\(status.id)") { try CanvasWire.report(try await canvas.get($0, query: [])) }
        }
        guard let file = status.fileURL else { throw CanvasError.wire(path: path, problem: "the finished report has no file") }
        let data = try await canvas.download(file)
        return try await CanvasWire.read(path: path) { _ in try CanvasWire.developerKeyReport(String(decoding: data, as: UTF8.self)) }
    }

    private func finish(id: CanvasSync.ID, started: Date, by actor: Actor, canvas: any CanvasReading, connector: CanvasConnection,
                        snapshot: CanvasSnapshot?, reason: String?) async throws -> (CanvasSync, [CanvasFinding]) {
        let store = environment.store
        var findings: [CanvasFinding] = []
        var difference: CanvasDifference?
        var outcome = CanvasSyncOutcome.failed
        var why = reason
        if let snapshot {
            outcome = snapshot.isComplete ? .complete : .partial
            if !snapshot.isComplete { why = snapshot.gaps.joined(separator: "; ") }
            let records = try await self.records()
            findings = CanvasComparison.findings(snapshot, records: records, policy: environment.policy, now: started)
            if let previous = try await store.canvas.latestRead(), let before = previous.snapshot {
                difference = CanvasDifference.between(before, snapshot, since: previous.startedAt)
            }
            try await fillInventory(from: snapshot, by: actor)
        }
        let sync = CanvasSync(id: id, startedAt: started, finishedAt: environment.now(), startedBy: actor.label, outcome: outcome, reason: why,
                              requests: await canvas.requestCount(), canvasURL: connector.address, snapshot: snapshot, difference: difference,
                              findingCount: findings.count)
        try await store.canvas.record(sync, findings: findings, by: actor)
        // Writes an instance left half-done (its lease expired) are settled by reading Canvas back, then the policy runs.
        if enforcement.isOn { await enforcement.repair() }
        if let snapshot { await enforcement.applyPolicy(findings: findings, snapshot: snapshot) }
        environment.logger.info("canvas sync", metadata: ["outcome": "\(outcome.rawValue)", "requests": "\(sync.requests)", "findings": "\(findings.count)"])
        return (sync, findings)
    }

    /// What the comparison holds Canvas against.
    public func records() async throws -> CanvasRecords {
        let store = environment.store
        let integrations = try await store.integrations.all()
        var lti: [Integration.ID: LTIConfiguration] = [:]
        for integration in integrations where integration.fields.kind == .lti13 || integration.fields.kind == .lti11 {
            if let newest = try await store.lti.history(integration.id).max(by: { $0.version < $1.version }) { lti[integration.id] = newest.configuration }
        }
        return CanvasRecords(integrations: integrations, releases: try await store.releases.all(in: [.released, .off, .retired]),
                             inheritedKeys: try await store.inheritedKeys.list(), lti: lti)
    }

    /// Inherited keys Canvas shows that the inventory lacks are added (unreviewed); a changed binding
    /// state is written over. Synced tokens the register lacks are added. Manual entries stay.
    private func fillInventory(from snapshot: CanvasSnapshot, by actor: Actor) async throws {
        let store = environment.store
        let now = environment.now()
        if snapshot.didRead(.inheritedKeys) {
            let existing = Dictionary(try await store.inheritedKeys.list().compactMap { key in key.fields.canvasKeyID.map { ($0, key) } },
                                      uniquingKeysWith: { first, _ in first })
            for key in snapshot.keys where key.inherited && !key.isUserGenerated && key.workflowState != "deleted" {
                let state = InheritedKeyState(rawValue: key.binding?.rawValue ?? "off") ?? .off
                if let entry = existing[key.id] {
                    guard entry.fields.state != state else { continue }
                    var fields = entry.fields
                    fields.state = state
                    _ = try await store.inheritedKeys.update(entry.id, to: fields, expectedVersion: entry.version, by: actor, at: now)
                } else {
                    let fields = InheritedKeyFields(name: String(key.name.prefix(200)), vendor: key.inheritedFrom == "federated_parent" ? "Parent account" : "Instructure (global key)",
                                                    canvasKeyID: String(key.id.prefix(40)), state: state, notes: "Found by the Canvas sync on \(Format.date(now)).")
                    _ = try await store.inheritedKeys.create(fields, id: environment.ids(), by: actor, at: now)
                }
            }
        }
        if snapshot.didRead(.userTokens), !snapshot.tokens.isEmpty {
            let known = Set(try await store.tokenRegister.list().map(\.fields.holder))
            let new = snapshot.tokens.compactMap { token -> RegisteredTokenFields? in
                let holder = "Canvas user \(token.userID) · token \(token.id)"
                guard !known.contains(holder) else { return nil }
                return RegisteredTokenFields(holder: holder, role: token.holderRole, purpose: token.purpose.map { String($0.prefix(1000)) },
                                             createdOn: CalendarDay.of(token.createdAt ?? now), expiresOn: token.expiresAt.map(CalendarDay.of),
                                             lastUsedOn: token.lastUsedAt.map(CalendarDay.of), integrationID: token.integrationID.flatMap(Integration.ID.init(string:)),
                                             workflowState: token.workflowState)
            }
            if !new.isEmpty {
                let ids = environment.ids
                _ = try await store.tokenRegister.add(new, source: "Canvas sync", by: actor, at: now, ids: { ids() })
            }
        }
    }

    public func list(limit: Int = 50) async throws -> [CanvasSync] { try await environment.store.canvas.list(limit: limit) }
    public func find(_ id: CanvasSync.ID) async throws -> CanvasSync? { try await environment.store.canvas.find(id) }
    public func latest() async throws -> CanvasSync? { try await environment.store.canvas.latestRead() }

    /// The newest sync that read something and its findings, without decoding its snapshot (for summaries).
    public func latestFindings() async throws -> (CanvasSync, [CanvasFinding])? {
        guard let synced = try await list(limit: 20).first(where: { $0.outcome != .failed }) else { return nil }
        return (synced, try await findings(synced.id))
    }
    public func findings(_ id: CanvasSync.ID) async throws -> [CanvasFinding] { try await environment.store.canvas.findings(id) }
}

extension CanvasWire {
    /// Runs a read, turning a shape Canvas should not send into a `CanvasError` naming the path.
    static func read<T>(path: String, _ body: (String) async throws -> T) async throws -> T {
        do {
            return try await body(path)
        } catch let error as CanvasWireError {
            throw CanvasError.wire(path: path, problem: error.description)
        }
    }
}
