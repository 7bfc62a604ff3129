import Domain
import FluentKit
import Foundation

struct FluentLTIConfigurationRepository: LTIConfigurationRepository {
    let database: any Database

    func history(_ integration: Integration.ID) async throws -> [StoredLTIConfiguration] {
        try await LTIConfigurationModel.query(on: database).filter(\.$integrationID == integration.rawValue).sort(\.$version, .descending).all()
            .map { try $0.toDomain() }
    }

    func latest(of integrations: [Integration.ID]) async throws -> [Integration.ID: StoredLTIConfiguration] {
        var latest: [Integration.ID: StoredLTIConfiguration] = [:]
        for batch in Batched.chunks(integrations.map(\.rawValue)) {
            for row in try await LTIConfigurationModel.query(on: database).filter(\.$integrationID ~~ Array(batch)).sort(\.$version, .descending).all() {
                let id = Integration.ID(row.integrationID)
                if latest[id] == nil { latest[id] = try row.toDomain() }
            }
        }
        return latest
    }

    func store(_ configuration: LTIConfiguration, for integration: Integration.ID, filename: String, sha256: String, by actor: Actor, at now: Date) async throws -> StoredLTIConfiguration {
        try await AuditedWrite.run(on: database) { tx in
            guard let owner = try await IntegrationModel.find(integration.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
            let previous = try await LTIConfigurationModel.query(on: tx).filter(\.$integrationID == integration.rawValue).sort(\.$version, .descending).first()
            let widening = try previous.map { configuration.widening(from: try $0.toDomain().configuration) } ?? []
            let model = LTIConfigurationModel()
            model.id = UUID()
            model.integrationID = integration.rawValue
            model.version = (previous?.version ?? 0) + 1
            model.configuration = try StoredJSON.text(configuration)
            model.filename = filename
            model.sha256 = sha256
            model.widening = widening.joined(separator: "\n")
            model.importedBy = actor.label
            model.importedAt = now
            try await model.create(on: tx)
            var summary = "\(owner.name) — LTI \(configuration.ltiVersion) configuration v\(model.version) imported from “\(filename)” (SHA-256 \(sha256)): privacy \(configuration.privacyLevel.rawValue), placements \(configuration.placements.joined(separator: ", ")), \(configuration.scopes.count) scopes"
            if !widening.isEmpty {
                summary += "; wider than before: " + widening.joined(separator: "; ")
                if let status = IntegrationStatus(rawValue: owner.status), [.approved, .approvedWithConditions, .active].contains(status) {
                    owner.status = IntegrationStatus.inReview.rawValue
                    owner.version += 1
                    owner.updatedAt = now
                    try await owner.update(on: tx)
                    summary += "; review re-opened (was \(status.label.lowercased()))"
                }
            }
            return (try model.toDomain(), [AuditEntry(occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description,
                                                      action: "lti_import", summary: summary)])
        }
    }
}
