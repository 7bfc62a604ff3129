import Domain
import FluentKit
import Foundation

struct FluentApiTokenRepository: ApiTokenRepository {
    let database: any Database

    func create(_ token: ApiToken, by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            let model = ApiTokenModel()
            model.id = token.id.rawValue
            model.userID = token.userID.rawValue
            model.purpose = token.purpose
            model.hint = token.hint
            model.tokenHash = token.tokenHash
            model.createdAt = token.createdAt
            model.expiresAt = token.expiresAt
            try await model.create(on: tx)
            let days = Int((token.expiresAt.timeIntervalSince(token.createdAt) / 86_400).rounded())
            let entry = AuditEntry(
                occurredAt: token.createdAt, actor: actor, entityType: "api_token", entityID: token.id.description,
                action: "create", summary: "API token \(token.hint) for “\(token.purpose)”, expires in \(days) days")
            return ((), [entry])
        }
    }

    func list(userID: User.ID) async throws -> [ApiToken] {
        try await ApiTokenModel.query(on: database)
            .filter(\.$userID == userID.rawValue)
            .sort(\.$createdAt, .descending)
            .all().map { try $0.toDomain() }
    }

    func find(hash: String) async throws -> ApiToken? {
        try await ApiTokenModel.query(on: database).filter(\.$tokenHash == hash).first()?.toDomain()
    }

    func revoke(_ id: ApiToken.ID, userID: User.ID, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await ApiTokenModel.query(on: tx)
                .filter(\.$id == id.rawValue).filter(\.$userID == userID.rawValue).first()
            else { throw DomainError.notFound(entity: "API token") }
            if model.revokedAt != nil { return ((), []) }
            model.revokedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "api_token", entityID: id.description, action: "revoke",
                summary: "API token \(model.hint) for “\(model.purpose)” revoked")
            return ((), [entry])
        }
    }

    /// Last-used bookkeeping is not a change people made, so it is not audited.
    func touch(_ id: ApiToken.ID, at now: Date) async throws {
        try await ApiTokenModel.query(on: database)
            .filter(\.$id == id.rawValue)
            .set(\.$lastUsedAt, to: now)
            .update()
    }
}
