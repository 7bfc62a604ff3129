import Domain
import Vapor

/// The key inventory and the token register, read-only over the API.
struct InventoryAPIController: Sendable {
    func keys(req: Request) async throws -> Response {
        try await req.store.inheritedKeys.list().map { k in
            ReviewJSON.object(["id": k.id.description, "name": k.fields.name, "vendor": k.fields.vendor, "canvasKeyID": k.fields.canvasKeyID,
                               "state": k.fields.state.rawValue, "dependents": k.fields.dependents.map(\.description), "reviewed": k.fields.reviewed,
                               "flagged": k.fields.isFlagged, "notes": k.fields.notes, "version": k.version])
        }.json(req)
    }

    func register(req: Request) async throws -> Response {
        let policy = req.context.policy
        return try await req.store.tokenRegister.list().map { t in
            let f = t.fields
            return ReviewJSON.object([
                "id": t.id.description, "holder": f.holder, "role": f.role.rawValue, "purpose": f.purpose, "createdOn": f.createdOn, "expiresOn": f.expiresOn,
                "lastUsedOn": f.lastUsedOn, "integrationID": f.integrationID?.description, "developerKeyID": f.developerKeyID, "workflowState": f.workflowState,
                "revokedOn": t.revokedOn, "revokedBy": t.revokedBy,
                "violations": TokenPolicy.violations(t, policy: policy).map { ReviewJSON.object(["rule": $0.rule, "detail": $0.detail]) },
                "recommendation": TokenPolicy.recommendation(t),
            ])
        }.json(req)
    }
}
