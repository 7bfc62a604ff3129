import Domain
import FluentKit
import Foundation

extension InheritedKeyFields {
    var auditValues: [(String, String)] {
        [("name", name), ("vendor", vendor), ("Canvas key", canvasKeyID ?? ""), ("state", state.rawValue), ("dependents", String(dependents.count)),
         ("reviewed", reviewed ? "yes" : "no")]
    }
}

struct FluentInheritedKeyRepository: InheritedKeyRepository {
    let database: any Database

    func list() async throws -> [InheritedKey] {
        try await InheritedKeyModel.query(on: database).sort(\.$name).sort(\.$id).all().map { try $0.toDomain() }
    }

    func find(_ id: InheritedKey.ID) async throws -> InheritedKey? {
        try await InheritedKeyModel.find(id.rawValue, on: database)?.toDomain()
    }

    func create(_ fields: InheritedKeyFields, id: InheritedKey.ID, by actor: Actor, at now: Date) async throws -> InheritedKey {
        try await AuditedWrite.run(on: database) { tx in
            let model = InheritedKeyModel()
            model.id = id.rawValue
            model.apply(fields)
            model.version = 1
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "inherited_key", entityID: id.description, action: "create",
                                   summary: "\(fields.name) — " + ChangeSummary.created(fields.auditValues))
            return (try model.toDomain(), [entry])
        }
    }

    func update(_ id: InheritedKey.ID, to fields: InheritedKeyFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> InheritedKey {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await InheritedKeyModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "inherited key") }
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "inherited key", expected: expectedVersion, actual: model.version)
            }
            let before = try model.toDomain().fields
            if before == fields { return (try model.toDomain(), []) }
            model.apply(fields)
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "inherited_key", entityID: id.description, action: "update",
                                   summary: "\(fields.name) — " + ChangeSummary.changed(from: before.auditValues, to: fields.auditValues))
            return (try model.toDomain(), [entry])
        }
    }
}

struct FluentTokenRegisterRepository: TokenRegisterRepository {
    let database: any Database

    func list() async throws -> [RegisteredToken] {
        try await RegisteredTokenModel.query(on: database).sort(\.$holder).sort(\.$createdOn).sort(\.$id).all().map { try $0.toDomain() }
    }

    func add(_ entries: [RegisteredTokenFields], source: String, by actor: Actor, at now: Date, ids: @escaping @Sendable () -> RegisteredToken.ID) async throws -> Int {
        try await AuditedWrite.run(on: database) { tx in
            let linked = Set(entries.compactMap(\.integrationID))
            let existing = try await IntegrationModel.query(on: tx).filter(\.$id ~~ linked.map(\.rawValue)).count()
            if existing != linked.count { throw DomainError.validation(ValidationErrors(["integrationID": "Choose an integration from the list."])) }
            // Many rows a statement (a Canvas sync or a Canvas Data import adds thousands), well under the
            // engines' limits on bound values.
            var batch: [RegisteredTokenModel] = []
            for f in entries {
                let model = RegisteredTokenModel()
                model.id = ids().rawValue
                model.holder = f.holder
                model.role = f.role.rawValue
                model.purpose = f.purpose
                model.createdOn = f.createdOn
                model.expiresOn = f.expiresOn
                model.lastUsedOn = f.lastUsedOn
                model.integrationID = f.integrationID?.rawValue
                model.developerKeyID = f.developerKeyID
                model.workflowState = f.workflowState
                model.source = source
                model.createdAt = now
                batch.append(model)
                if batch.count == 300 {
                    try await batch.create(on: tx)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try await batch.create(on: tx) }
            let what = entries.count == 1 ? "\(entries[0].holder) (\(entries[0].role.label.lowercased()))" : "\(entries.count) tokens"
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "token_register", entityID: source, action: "add",
                                   summary: "Token register — added \(what) from \(source)")
            return (entries.count, [entry])
        }
    }

    func revoke(_ id: RegisteredToken.ID, note: String, on day: String, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await RegisteredTokenModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "token") }
            if model.revokedOn != nil { return ((), []) }
            model.revokedOn = day
            model.revokedBy = actor.label
            model.revocationNote = note
            try await model.update(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "token_register", entityID: id.description, action: "revoke",
                                   summary: "Token register — \(model.holder)'s token recorded as revoked: \(note)")
            return ((), [entry])
        }
    }
}
