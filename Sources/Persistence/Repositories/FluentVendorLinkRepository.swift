import Domain
import FluentKit
import Foundation

struct FluentVendorLinkRepository: VendorLinkRepository {
    let database: any Database

    func create(_ fields: VendorLinkFields, integration: Integration.ID, id: VendorLink.ID, secretHash: String, hint: String,
                by actor: Actor, at now: Date) async throws -> VendorLink {
        try await AuditedWrite.run(on: database) { tx in
            guard let owner = try await IntegrationModel.find(integration.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
            let model = VendorLinkModel()
            model.id = id.rawValue
            model.integrationID = integration.rawValue
            model.contactName = fields.contactName
            model.contactEmail = fields.contactEmail
            model.secretHash = secretHash
            model.hint = hint
            model.createdBy = actor.label
            model.createdAt = now
            model.expiresAt = now.addingTimeInterval(TimeInterval(fields.days) * 86_400)
            try await model.create(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "link_create",
                summary: "\(owner.name) — answer link \(hint) for \(fields.contactName) <\(fields.contactEmail)>, valid \(fields.days) days")
            return (try model.toDomain(), [entry])
        }
    }

    func list(_ integration: Integration.ID) async throws -> [VendorLink] {
        try await VendorLinkModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .sort(\.$createdAt, .descending).all().map { try $0.toDomain() }
    }

    func allUnrevoked() async throws -> [VendorLink] {
        try await VendorLinkModel.query(on: database).filter(\.$revokedAt == nil).sort(\.$expiresAt).all().map { try $0.toDomain() }
    }

    func find(secretHash: String) async throws -> VendorLink? {
        try await VendorLinkModel.query(on: database).filter(\.$secretHash == secretHash).first()?.toDomain()
    }

    func revoke(_ id: VendorLink.ID, of integration: Integration.ID, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await VendorLinkModel.query(on: tx).filter(\.$id == id.rawValue)
                .filter(\.$integrationID == integration.rawValue).first(),
                let owner = try await IntegrationModel.find(integration.rawValue, on: tx)
            else { throw DomainError.notFound(entity: "answer link") }
            if model.revokedAt != nil { return ((), []) }
            model.revokedAt = now
            model.revokedBy = actor.label
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "link_revoke",
                summary: "\(owner.name) — answer link \(model.hint) for \(model.contactEmail) revoked")
            return ((), [entry])
        }
    }

    func touch(_ id: VendorLink.ID, at now: Date) async throws {
        try await VendorLinkModel.query(on: database).filter(\.$id == id.rawValue).set(\.$lastUsedAt, to: now).update()
    }

    func markSubmitted(_ id: VendorLink.ID, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await VendorLinkModel.find(id.rawValue, on: tx),
                  let owner = try await IntegrationModel.find(model.integrationID, on: tx)
            else { throw DomainError.notFound(entity: "answer link") }
            model.submittedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: model.integrationID.uuidString.lowercased(), action: "vendor_submit",
                summary: "\(owner.name) — \(model.contactName) <\(model.contactEmail)> submitted the answers (link \(model.hint))")
            return ((), [entry])
        }
    }
}
