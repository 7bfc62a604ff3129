import Domain
import FluentKit
import Foundation

struct FluentKeyReleaseRepository: KeyReleaseRepository {
    let database: any Database

    func find(_ id: KeyRelease.ID) async throws -> KeyRelease? {
        try await KeyReleaseModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ integration: Integration.ID) async throws -> [KeyRelease] {
        try await KeyReleaseModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .sort(\.$requestedAt, .descending).sort(\.$id).all().map { try $0.toDomain() }
    }

    func all(in states: Set<ReleaseState>) async throws -> [KeyRelease] {
        try await KeyReleaseModel.query(on: database).filter(\.$state ~~ states.map(\.rawValue)).sort(\.$requestedAt).all().map { try $0.toDomain() }
    }

    func create(_ release: KeyRelease, by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let integration = try await IntegrationModel.find(release.integrationID.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "integration")
            }
            let pending = try await KeyReleaseModel.query(on: tx).filter(\.$integrationID == release.integrationID.rawValue)
                .filter(\.$state == ReleaseState.pending.rawValue).all().map { try $0.toDomain() }
            // A release past its deadline is locked for good before a new one starts.
            for var old in pending {
                old.state = .locked
                let model = try await KeyReleaseModel.find(old.id.rawValue, on: tx)!
                model.apply(old)
                try await model.update(on: tx)
            }
            let model = KeyReleaseModel()
            model.apply(release)
            try await model.create(on: tx)
            let entry = AuditEntry(
                occurredAt: release.requestedAt, actor: actor, entityType: "key_release", entityID: release.id.description, action: "request",
                summary: "\(integration.name) — key release requested" + (release.previousID.map { " (rotating \($0))" } ?? "")
                    + (pending.isEmpty ? "" : "; \(pending.count) earlier pending request(s) locked") + "; confirmation code sent to \(release.requestedByEmail)")
            return ((), [entry])
        }
    }

    func update<Decision: Sendable>(
        _ id: KeyRelease.ID, by actor: Actor, at now: Date,
        _ change: @escaping @Sendable (inout KeyRelease) throws -> KeyReleaseChange<Decision>
    ) async throws -> (release: KeyRelease, decision: Decision) {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await KeyReleaseModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "key release") }
            var release = try model.toDomain()
            let outcome = try change(&release)
            release.version += 1
            model.apply(release)
            try await model.update(on: tx)
            let name = try await IntegrationModel.find(release.integrationID.rawValue, on: tx)?.name ?? "integration"
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "key_release", entityID: id.description, action: outcome.action,
                                   summary: "\(name) — \(outcome.summary)")
            return ((release, outcome.decision), [entry])
        }
    }

    func list(of integrations: [Integration.ID]) async throws -> [Integration.ID: [KeyRelease]] {
        var result: [Integration.ID: [KeyRelease]] = [:]
        for batch in Batched.chunks(integrations.map(\.rawValue)) {
            for row in try await KeyReleaseModel.query(on: database).filter(\.$integrationID ~~ Array(batch))
                .sort(\.$requestedAt, .descending).sort(\.$id).all() {
                result[.init(row.integrationID), default: []].append(try row.toDomain())
            }
        }
        return result
    }
}
