import Domain
import Foundation
import Logging

/// Keeps a released key accountable to its gate. After any change that could close the gate (an
/// answer, a mark, the contract, a review or finding, the whitelist, the LTI configuration, the
/// status), the gate of the integration is evaluated again: a key whose gate is no longer met is
/// flagged with the reason, and the owner and the admins are told once; a key whose gate is met
/// again loses the flag. The reminder timer re-checks everything daily, for what time alone closes
/// (a contract ending, a review expiring).
public struct GateWatch: Sendable {
    private let environment: OperationEnvironment
    private let gates: Gates

    init(_ environment: OperationEnvironment, gates: Gates) {
        self.environment = environment
        self.gates = gates
    }

    /// What one re-check changed.
    public struct Outcome: Equatable, Sendable {
        public var lapsed: [KeyRelease.ID] = []
        public var restored: [KeyRelease.ID] = []
    }

    /// Re-checks one integration after `cause` ("vendor answers", "mark"). Never throws: the change
    /// that caused it is already saved, so a failure here is logged, and the daily re-check repeats it.
    @discardableResult
    public func recheck(_ id: Integration.ID, after cause: String) async -> Outcome {
        do {
            return try await check(id, cause: cause)
        } catch {
            environment.logger.error("gate re-check failed", metadata: ["integration": "\(id)", "error": "\(String(describing: type(of: error)))"])
            return Outcome()
        }
    }

    /// Re-checks every integration of a vendor (its standing or a contract changed).
    @discardableResult
    public func recheck(vendor: Vendor.ID, after cause: String) async -> Outcome {
        let ids: [Integration.ID]
        do {
            ids = try await environment.store.integrations.all(IntegrationQuery(vendorID: vendor)).map(\.id)
        } catch {
            environment.logger.error("gate re-check failed", metadata: ["vendor": "\(vendor)", "error": "\(String(describing: type(of: error)))"])
            return Outcome()
        }
        var total = Outcome()
        for id in ids {
            let one = await recheck(id, after: cause)
            total.lapsed += one.lapsed
            total.restored += one.restored
        }
        return total
    }

    /// Re-checks every integration with a released key; the reminder timer calls it daily.
    @discardableResult
    public func recheckAll(after cause: String) async throws -> Outcome {
        let released = try await environment.store.releases.all(in: [.released])
        var total = Outcome()
        for id in Set(released.map(\.integrationID)).sorted(by: { $0.description < $1.description }) {
            let one = try await check(id, cause: cause)
            total.lapsed += one.lapsed
            total.restored += one.restored
        }
        return total
    }

    private struct Unchanged: Error {}

    private func check(_ id: Integration.ID, cause: String) async throws -> Outcome {
        let store = environment.store
        let released = try await store.releases.list(id).filter { $0.state == .released }
        guard !released.isEmpty, let integration = try await store.integrations.find(id) else { return Outcome() }
        let gate = try await gates.evaluate(integration)
        let now = environment.now()
        var outcome = Outcome()
        // The owner and admins hear of a lapse in the transaction of the first key it flags; a re-check
        // that flags nothing (another instance got there first) sends nothing.
        let mail = gate.isMet ? [] : try await lapseMail(integration, gate: gate, cause: cause)
        try await environment.change(with: mail, onlyWithAWrite: true) {
            for release in released where (release.gateLapse == nil) != gate.isMet {
                do {
                    if gate.isMet {
                        _ = try await store.releases.update(release.id, by: .system, at: now) { release in
                            guard release.gateLapse != nil else { throw Unchanged() }
                            release.gateLapse = nil
                            return KeyReleaseChange("gate_met_again", "the issuance gate is met again (after \(cause))")
                        }
                        outcome.restored.append(release.id)
                    } else {
                        let reason = GateLapse.reason(gate)
                        _ = try await store.releases.update(release.id, by: .system, at: now) { release in
                            // Checked again inside the write: two re-checks at once flag (and mail) once.
                            guard release.gateLapse == nil, release.state == .released else { throw Unchanged() }
                            release.gateLapse = GateLapse(since: now, reason: reason)
                            return KeyReleaseChange("gate_lapsed", "gate no longer met after \(cause): \(reason)")
                        }
                        outcome.lapsed.append(release.id)
                    }
                } catch is Unchanged {
                    continue
                }
            }
        }
        return outcome
    }

    /// One message to the owner and every active admin.
    private func lapseMail(_ integration: Integration, gate: Gate, cause: String) async throws -> [QueuedMail] {
        let users = try await environment.store.users.list().filter(\.isActive)
        var recipients = users.filter { $0.role == .admin }.map(\.email)
        if let owner = users.first(where: { $0.id == integration.fields.ownerID }) { recipients.insert(owner.email, at: 0) }
        recipients = recipients.reduce(into: []) { seen, email in if !seen.contains(email) { seen.append(email) } }
        guard !recipients.isEmpty else { return [] }
        return [try environment.compose(
            to: recipients, subject: "Gate no longer met: \(integration.fields.name) has a released key",
            body: """
            \(integration.fields.name) has a released Canvas developer key, and after \(cause) its issuance gate is no longer met:

            \(gate.unmet.map { "- \($0.sentence)" }.joined(separator: "\n"))

            The key is flagged "gate no longer met" until every item is met again. Decide whether to turn the key off:
            \(environment.links.integration(integration.id))
            """)]
    }
}
