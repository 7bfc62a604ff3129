import Domain
import Foundation
import Logging

/// Makes the checklist real in Canvas (`CANVAS_ENFORCE=on`). Every write is recorded first as an
/// intent, claimed by one instance (a lease per write), performed, read back, and its outcome recorded,
/// each step audited. A crash between the write and the record leaves the intent "performing"; the
/// next run reads Canvas back and records what it shows — it never writes a second time.
public struct CanvasEnforcement: Sendable {
    private let environment: OperationEnvironment
    /// A write whose instance died is presumed dead after this, and may be repaired.
    static let leaseSeconds: Double = 10 * 60

    init(_ environment: OperationEnvironment) {
        self.environment = environment
    }

    private var connection: CanvasConnection? { environment.canvas?.resolve() }
    /// Canvas is connected and `CANVAS_ENFORCE=on`.
    public var isOn: Bool { connection?.enforce == true }

    // MARK: - Reading

    /// The account's own developer key `id` as Canvas shows it now.
    public func readKey(_ id: String) async throws -> CanvasDeveloperKey {
        guard let connection else { throw CanvasSyncRefusal.notConfigured }
        let canvas = connection.open()
        defer { Task { await canvas.close() } }
        guard let key = try await ownKey(id, canvas, connection) else {
            throw DomainError.validation(ValidationErrors(["canvasKeyID": "Canvas has no developer key \(id) in this account. Create it (Admin › Developer Keys) with the approved scopes, leave it off, and enter its id."]))
        }
        return key
    }

    private func ownKey(_ id: String, _ canvas: any CanvasReading, _ connection: CanvasConnection) async throws -> CanvasDeveloperKey? {
        let path = "/api/v1/accounts/\(connection.accountID)/developer_keys"
        return try await CanvasWire.read(path: path) { try await canvas.list($0, query: []).flatMap { try CanvasWire.developerKeys($0, inherited: false) } }
            .first { $0.id == id }
    }

    // MARK: - Recording and performing

    /// Records an intent (or, with `proposed`, a proposal waiting for an admin).
    public func record(_ target: CanvasWriteTarget, reason: String, integration: Integration.ID? = nil, release: KeyRelease.ID? = nil,
                       finding: CanvasFindingKind? = nil, proposed: Bool = false, by actor: Actor) async throws -> CanvasWrite {
        guard CanvasWriteTarget.isCanvasID(target.objectID), target.userID.map(CanvasWriteTarget.isCanvasID) ?? true else {
            throw DomainError.validation(ValidationErrors(["objectID": "A Canvas id is digits (or shard~id)."]))
        }
        let write = CanvasWrite(id: environment.ids(), target: target, state: proposed ? .proposed : .pending, reason: reason, integrationID: integration,
                                releaseID: release, findingKind: finding, requestedBy: actor.label, requestedAt: environment.now())
        try await environment.store.canvasWrites.create(write, by: actor)
        return write
    }

    /// Records and performs at once; returns the write as it ended (done or failed).
    public func make(_ target: CanvasWriteTarget, reason: String, integration: Integration.ID? = nil, release: KeyRelease.ID? = nil,
                     by actor: Actor) async throws -> CanvasWrite {
        let write = try await record(target, reason: reason, integration: integration, release: release, by: actor)
        return try await perform(write.id, by: actor)
    }

    /// Performs a pending, failed or (approving it) proposed write. Another instance already on it: the
    /// write is returned as it stands. A write left "performing" by a crash is repaired by reading back.
    /// `notice`, given the write as it ends, composes the mail that goes in the outcome's own transaction.
    public func perform(_ id: CanvasWrite.ID, by actor: Actor, notice: Notice? = nil) async throws -> CanvasWrite {
        guard let connection else { throw CanvasSyncRefusal.notConfigured }
        let store = environment.store
        let lease = "canvas_write:\(id)", holder = UUID().uuidString
        let now = environment.now()
        guard try await store.canvas.acquireLease(lease, holder: holder, until: now.addingTimeInterval(Self.leaseSeconds), now: now) else {
            guard let current = try await store.canvasWrites.find(id) else { throw DomainError.notFound(entity: "Canvas write") }
            return current
        }
        let canvas = connection.open()
        do {
            let result = try await run(id, canvas: canvas, connection: connection, by: actor, notice: notice)
            await canvas.close()
            try? await store.canvas.releaseLease(lease, holder: holder)
            return result
        } catch {
            await canvas.close()
            try? await store.canvas.releaseLease(lease, holder: holder)
            throw error
        }
    }

    /// Composes the mail for a write as it ends (`nil`: none).
    public typealias Notice = @Sendable (CanvasWrite) async throws -> QueuedMail?

    private func run(_ id: CanvasWrite.ID, canvas: any CanvasReading, connection: CanvasConnection, by actor: Actor, notice: Notice?) async throws -> CanvasWrite {
        let store = environment.store
        guard let write = try await store.canvasWrites.find(id) else { throw DomainError.notFound(entity: "Canvas write") }
        switch write.state {
        case .done, .dismissed:
            return write
        case .performing:
            // Claimed by an instance that is gone: Canvas decides what happened.
            let seen = try await observe(write.target, canvas, connection)
            return try await finish(write, seen.done ? .done : .failed,
                                    seen.done ? "repaired after an interruption: Canvas shows \(seen.text); not written again"
                                              : "interrupted, and Canvas shows \(seen.text): not done — retry", step: "canvas_write_repaired", by: actor, notice: notice)
        case .proposed, .pending, .failed:
            break
        }
        _ = try await store.canvasWrites.update(id, by: actor, at: environment.now()) { write in
            write.state = .performing
            write.attempts += 1
            return CanvasWriteChange("canvas_write_started", "writing to Canvas (attempt \(write.attempts))")
        }
        let before = try? await observe(write.target, canvas, connection)
        if let before, before.done {
            return try await finish(write, .done, "Canvas already showed \(before.text); nothing written", step: "canvas_write_done", by: actor, notice: notice)
        }
        do {
            _ = try await send(write.target, canvas, connection)
        } catch let error as CanvasError {
            if case .forbidden = error {
                return try await finish(write, .failed, "Canvas refused: this token's user lacks the permission \(write.target.action.permission)",
                                        step: "canvas_write_failed", by: actor, notice: notice)
            }
            if case .tokenRefused = error { return try await finish(write, .failed, error.description, step: "canvas_write_failed", by: actor, notice: notice) }
            // A 5xx or a time-out may have come after Canvas made the change: the read-back decides.
            guard let seen = try? await observe(write.target, canvas, connection) else {
                return try await finish(write, .failed, "\(error.description) Canvas could not be read back; retry", step: "canvas_write_failed", by: actor, notice: notice)
            }
            return try await finish(write, seen.done ? .done : .failed,
                                    seen.done ? "\(error.description) Read back: Canvas shows \(seen.text), so it took effect"
                                              : "\(error.description) Read back: Canvas shows \(seen.text)",
                                    step: seen.done ? "canvas_write_done" : "canvas_write_failed", by: actor, notice: notice)
        }
        do {
            let seen = try await observe(write.target, canvas, connection)
            return try await finish(write, seen.done ? .done : .failed,
                                    seen.done ? "read back: Canvas shows \(seen.text)" : "Canvas accepted the change, but reading back shows \(seen.text)",
                                    step: seen.done ? "canvas_write_done" : "canvas_write_failed", by: actor, notice: notice)
        } catch let error as CanvasError {
            return try await finish(write, .failed, "written, but reading back failed: \(error.description)", step: "canvas_write_failed", by: actor, notice: notice)
        }
    }

    /// Records how `started` ended; its notice (if any) is stored in the same transaction.
    private func finish(_ started: CanvasWrite, _ state: CanvasWriteState, _ outcome: String, step: String, by actor: Actor,
                        notice: Notice?) async throws -> CanvasWrite {
        let id = started.id
        var ended = started
        ended.state = state
        ended.outcome = outcome
        let mail = try await notice?(ended).map { [$0] } ?? []
        let write = try await environment.change(with: mail, onlyWith: ("canvas_write", step)) {
            try await environment.store.canvasWrites.update(id, by: actor, at: environment.now()) { write in
                write.state = state
                write.outcome = outcome
                return CanvasWriteChange(step, outcome)
            }
        }
        let level: Logger.Level = state == .done ? .info : .warning
        environment.logger.log(level: level, "canvas write", metadata: ["write": "\(id)", "action": "\(write.target.action.rawValue)", "state": "\(state.rawValue)"])
        return write
    }

    /// An admin's switch-off from the Canvas page or the API: a key, an LTI registration, or a synced
    /// user token that breaks the token policy. Confirmed with a tick; the object is looked up in the
    /// newest sync (a token's user comes from there). Switching on is never asked for here.
    public func request(action rawAction: String?, objectID rawID: String?, context rawContext: String? = nil, contextID rawContextID: String? = nil,
                        integration: Integration.ID? = nil, confirmed: Bool, by actor: Actor) async throws -> CanvasWrite {
        var errors = ValidationErrors()
        let action = CanvasWriteAction(rawValue: Check.trimmed(rawAction))
        if action == nil || action == .keyOn {
            errors.add("action", "Choose key_off, registration_off, registration_context_off or token_delete: switching on only follows a verified release.")
        }
        let objectID = Check.trimmed(rawID)
        if !CanvasWriteTarget.isCanvasID(objectID) { errors.add("objectID", "A Canvas id is digits (or shard~id).") }
        var context: CanvasContext?
        if action == .registrationContextOff {
            let contextID = Check.trimmed(rawContextID)
            let kind = CanvasContext.Kind(rawValue: Check.trimmed(rawContext))
            if kind == nil { errors.add("context", "Choose a sub-account or a course.") }
            if let kind, CanvasWriteTarget.isCanvasID(contextID) { context = CanvasContext(kind: kind, id: contextID) } else if kind != nil {
                errors.add("contextID", kind == .course ? "A course id is digits, as in /courses/123." : "Choose a sub-account.")
            }
        }
        if !confirmed { errors.add("confirm", "Tick the box to confirm the change in Canvas.") }
        if !isOn { errors.add("action", "Enforcement is off: set CANVAS_ENFORCE=on to change Canvas from here.") }
        try errors.throwIfAny()
        guard let action, let snapshot = try await environment.store.canvas.latestRead()?.snapshot else {
            throw DomainError.validation(ValidationErrors(["objectID": "Sync with Canvas first: the object is looked up in the newest sync."]))
        }
        let target: CanvasWriteTarget
        switch action {
        case .tokenDelete:
            guard let token = snapshot.tokens.first(where: { $0.id == objectID }) else {
                throw DomainError.validation(ValidationErrors(["objectID": "The newest sync has no user token \(objectID)."]))
            }
            target = CanvasWriteTarget(action: action, objectID: token.id, userID: token.userID, name: "token \(token.id) of Canvas user \(token.userID)")
        case .registrationOff:
            guard let registration = snapshot.registrations.first(where: { $0.id == objectID }) else {
                throw DomainError.validation(ValidationErrors(["objectID": "The newest sync has no LTI registration \(objectID)."]))
            }
            target = CanvasWriteTarget(action: action, objectID: registration.id, name: "“\(registration.name)” (\(registration.id))")
        case .registrationContextOff:
            guard let registration = snapshot.registrations.first(where: { $0.id == objectID }) else {
                throw DomainError.validation(ValidationErrors(["objectID": "The newest sync has no LTI registration \(objectID)."]))
            }
            if let context, context.kind == .account, !snapshot.accounts.contains(where: { $0.id == context.id && $0.id != snapshot.account?.id }) {
                throw DomainError.validation(ValidationErrors(["contextID": "The newest sync has no sub-account \(context.id); for the whole account, switch the registration off instead."]))
            }
            target = CanvasWriteTarget(action: action, objectID: registration.id, context: context, name: "“\(registration.name)” (\(registration.id))")
        case .keyOff, .keyOn:
            guard let key = snapshot.keys.first(where: { $0.id == objectID && !$0.inherited }) else {
                throw DomainError.validation(ValidationErrors(["objectID": "The newest sync has no developer key \(objectID) of this account."]))
            }
            target = CanvasWriteTarget(action: action, objectID: key.id, name: key.label)
        }
        return try await make(target, reason: "asked for by \(actor.label)" + (integration == nil ? " from the Canvas page" : " from the integration page"),
                              integration: integration, by: actor)
    }

    /// Declines a proposal, or gives up a failed write.
    public func dismiss(_ id: CanvasWrite.ID, by actor: Actor) async throws -> CanvasWrite {
        try await environment.store.canvasWrites.update(id, by: actor, at: environment.now()) { write in
            guard [.proposed, .failed, .pending].contains(write.state) else {
                throw DomainError.validation(ValidationErrors(["write": "Only a proposed, waiting or failed change can be dismissed."]))
            }
            write.state = .dismissed
            return CanvasWriteChange("canvas_write_dismissed", "dismissed by \(actor.label)")
        }
    }

    /// Writes left "performing" whose instance is gone (lease free): read back and record. Run when
    /// `serve` starts and after every sync (scheduled or asked for).
    @discardableResult
    public func repair() async -> Int {
        guard connection != nil else { return 0 }
        do {
            var repaired = 0
            for write in try await environment.store.canvasWrites.list(CanvasWriteQuery(states: [.performing])) {
                if try await perform(write.id, by: .system).state != .performing { repaired += 1 }
            }
            return repaired
        } catch {
            environment.logger.error("canvas write repair failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            return 0
        }
    }

    public func list(_ query: CanvasWriteQuery) async throws -> [CanvasWrite] { try await environment.store.canvasWrites.list(query) }
    public func find(_ id: CanvasWrite.ID) async throws -> CanvasWrite? { try await environment.store.canvasWrites.find(id) }

    // MARK: - The wire

    private func send(_ target: CanvasWriteTarget, _ canvas: any CanvasReading, _ connection: CanvasConnection) async throws -> Data {
        let account = connection.accountID
        switch target.action {
        case .keyOn, .keyOff:
            return try await canvas.write("POST", "/api/v1/accounts/\(account)/developer_keys/\(target.objectID)/developer_key_account_bindings",
                                          form: [("developer_key_account_binding[workflow_state]", target.action == .keyOn ? "on" : "off")], json: nil)
        case .registrationOff:
            return try await canvas.write("POST", "/api/v1/accounts/\(account)/lti_registrations/\(target.objectID)/bind", form: [],
                                          json: Data(#"{"workflow_state":"off"}"#.utf8))
        case .registrationContextOff:
            guard let context = target.context else { throw CanvasError.wire(path: target.objectID, problem: "no context for a context control") }
            let controls = "/api/v1/accounts/\(account)/lti_registrations/\(target.objectID)/controls"
            // One control per deployment and context: an existing one is updated, never duplicated.
            if let existing = try await contextControl(target, canvas, connection) {
                return try await canvas.write("PUT", "\(controls)/\(existing.id)", form: [], json: Data(#"{"available":false}"#.utf8))
            }
            let body = try JSONSerialization.data(withJSONObject: [context.field: context.id, "available": false] as [String: Any])
            return try await canvas.write("POST", controls, form: [], json: body)
        case .tokenDelete:
            return try await canvas.write("DELETE", "/api/v1/users/\(target.userID ?? "self")/tokens/\(target.objectID)", form: [], json: nil)
        }
    }

    /// What Canvas shows for the target now, and whether that is what the write wants.
    private func observe(_ target: CanvasWriteTarget, _ canvas: any CanvasReading, _ connection: CanvasConnection) async throws -> (done: Bool, text: String) {
        switch target.action {
        case .keyOn, .keyOff:
            guard let key = try await ownKey(target.objectID, canvas, connection) else { return (target.action == .keyOff, "no such key") }
            let text = "the key \(key.stateText)"
            return (target.action == .keyOn ? key.isEffectivelyOn : key.binding == .off, text)
        case .registrationOff:
            let path = "/api/v1/accounts/\(connection.accountID)/lti_registrations/\(target.objectID)"
            do {
                let data = try await canvas.get(path, query: [])
                let wrapped = Data("{\"data\":[".utf8) + data + Data("]}".utf8)
                let registration = try await CanvasWire.read(path: path) { _ in try CanvasWire.registrations(wrapped).items.first }
                return (registration?.binding == .off, "the registration's binding \(registration?.binding?.rawValue ?? "unknown")")
            } catch CanvasError.notFound {
                return (true, "no such registration")
            }
        case .registrationContextOff:
            do {
                guard let control = try await contextControl(target, canvas, connection) else { return (false, "no context control for \(target.context?.description ?? "the context")") }
                return (!control.available, "the tool \(control.available ? "available" : "unavailable") in \(target.context?.description ?? "the context")")
            } catch CanvasError.notFound {
                return (true, "no such registration")
            }
        case .tokenDelete:
            let path = "/api/v1/users/\(target.userID ?? "self")/tokens/\(target.objectID)"
            do {
                let token = try await CanvasWire.read(path: path) { _ in try CanvasWire.userTokens(Data("[".utf8) + (try await canvas.get(path, query: [])) + Data("]".utf8), userID: target.userID ?? "") }
                let state = token.first?.workflowState ?? "deleted"
                return (state == "deleted", "the token \(state)")
            } catch CanvasError.notFound {
                return (true, "the token deleted")
            }
        }
    }

    /// The registration's context control for the target's context (any deployment), from
    /// `GET …/lti_registrations/:id/controls` (deployments, each with its `context_controls`).
    private func contextControl(_ target: CanvasWriteTarget, _ canvas: any CanvasReading, _ connection: CanvasConnection) async throws -> (id: String, available: Bool)? {
        guard let context = target.context else { return nil }
        let path = "/api/v1/accounts/\(connection.accountID)/lti_registrations/\(target.objectID)/controls"
        let pages = try await canvas.list(path, query: [])
        for page in pages {
            guard let deployments = try? JSONSerialization.jsonObject(with: page) as? [[String: Any]] else {
                throw CanvasError.wire(path: path, problem: "not a list of deployments")
            }
            for deployment in deployments {
                for control in deployment["context_controls"] as? [[String: Any]] ?? [] {
                    guard let value = control[context.field], !(value is NSNull), "\(value)" == context.id else { continue }
                    if let state = control["workflow_state"] as? String, state == "deleted" { continue }
                    return ("\(control["id"] ?? "")", control["available"] as? Bool ?? true)
                }
            }
        }
        return nil
    }

    // MARK: - Policy

    /// After a sync: keys that should not be on (findings, lapsed gates) are proposed for switch-off or
    /// switched off, as `enforce.auto_off` says, once per key, and the owner and admins are mailed. A
    /// proposal an admin dismissed is not made (or mailed) again for the same reason; the finding stays
    /// on the Canvas page, where the key can still be switched off by hand.
    public func applyPolicy(findings: [CanvasFinding], snapshot: CanvasSnapshot) async {
        guard isOn, environment.policy.autoOff != .never else { return }
        do {
            let store = environment.store
            var lapsed: [(KeyRelease, Integration)] = []
            for release in try await store.releases.all(in: [.released]) where release.gateLapse != nil {
                if let integration = try await store.integrations.find(release.integrationID) { lapsed.append((release, integration)) }
            }
            let keysOn = snapshot.didRead(.developerKeys) ? Set(snapshot.keys.filter(\.isEffectivelyOn).map(\.id)) : nil
            let automatic = environment.policy.autoOff == .automatic
            struct Declined: Hashable { let keyID: String; let reason: String }
            let declined = Set(try await store.canvasWrites.list(CanvasWriteQuery(states: [.dismissed], limit: 1000))
                .filter { $0.target.action == .keyOff }.map { Declined(keyID: $0.target.objectID, reason: $0.reason) })
            for cause in SwitchOffCause.causes(findings: findings, lapsed: lapsed, keysOn: keysOn) {
                guard !declined.contains(Declined(keyID: cause.keyID, reason: "policy: \(cause.reason)")),
                      try await store.canvasWrites.open(action: .keyOff, objectID: cause.keyID).isEmpty else { continue }
                let target = CanvasWriteTarget(action: .keyOff, objectID: cause.keyID, name: cause.keyName), reason = "policy: \(cause.reason)"
                let integration = cause.integrationID
                let record = { try await self.record(target, reason: reason, integration: integration, release: cause.releaseID, finding: cause.findingKind,
                                                     proposed: !automatic, by: .system) }
                if automatic {
                    // The notice says how it ended, so it goes in with the outcome.
                    _ = try await perform(try await record().id, by: .system) { ended in try await notice(ended, integration: integration) }
                } else {
                    let proposal = CanvasWrite(id: environment.ids(), target: target, state: .proposed, reason: reason, integrationID: integration, releaseID: nil,
                                               findingKind: nil, requestedBy: Actor.system.label, requestedAt: environment.now())
                    let mail = try await notice(proposal, integration: integration).map { [$0] } ?? []
                    _ = try await environment.change(with: mail, onlyWith: ("canvas_write", "canvas_write_proposed"), record)
                }
            }
        } catch {
            environment.logger.error("canvas enforcement policy failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }

    /// The mail about a switch-off, to the integration's owner and every admin (`nil` when nobody can get it).
    private func notice(_ write: CanvasWrite, integration: Integration.ID?) async throws -> QueuedMail? {
        let store = environment.store
        let users = try await store.users.list().filter(\.isActive)
        var recipients = users.filter { $0.role == .admin }.map(\.email)
        if let integration, let owner = try await store.integrations.find(integration)?.fields.ownerID,
           let email = users.first(where: { $0.id == owner })?.email {
            recipients.insert(email, at: 0)
        }
        recipients = recipients.reduce(into: []) { seen, email in if !seen.contains(email) { seen.append(email) } }
        guard !recipients.isEmpty else { return nil }
        let what = switch write.state {
        case .proposed: "VendorReview proposes switching it off in Canvas. One click on the dashboard does it:"
        case .done: "VendorReview switched it off in Canvas (\(write.outcome ?? "done")). Its tokens no longer work."
        default: "VendorReview tried to switch it off in Canvas and could not: \(write.outcome ?? "failed"). Retry it from the dashboard:"
        }
        // The dashboard (the root) holds the one-click switch-off and the retry; a done switch-off links its integration.
        return try environment.compose(
            to: recipients, subject: "Canvas key \(write.target.objectID) should not be on",
            body: """
            The developer key \(write.target.name) should not be on: \(write.reason).

            \(what)
            \(write.state == .done ? integration.map(environment.links.integration) ?? environment.links.gateFix(nil) : environment.links.gateFix(nil))
            """)
    }
}
