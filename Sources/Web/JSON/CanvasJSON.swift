import Domain
import Vapor

/// The JSON shapes of Canvas syncs and findings, shared by the API and `vendor-review canvas sync --json`.
enum CanvasJSON {
    static func sync(_ s: CanvasSync, withObjects: Bool = false) -> NullableJSON<JSONKey> {
        var fields: [(String, (any Encodable)?)] = [
            ("id", s.id.description), ("startedAt", Format.iso(s.startedAt)), ("finishedAt", Format.iso(s.finishedAt)), ("startedBy", s.startedBy),
            ("outcome", s.outcome.rawValue), ("reason", s.reason), ("requests", s.requests), ("milliseconds", s.milliseconds),
            ("canvasURL", s.canvasURL), ("findings", s.findingCount), ("difference", s.difference.map(difference)),
        ]
        if let snapshot = s.snapshot {
            fields.append(("account", snapshot.account.map { ReviewJSON.object(["id": $0.id, "name": $0.name]) }))
            fields.append(("permissions", snapshot.permissions))
            fields.append(("parts", CanvasPart.allCases.map { part in
                let outcome = snapshot.parts[part]
                return ReviewJSON.object(["part": part.rawValue, "state": outcome?.state.rawValue ?? "not_read", "count": outcome?.count ?? 0,
                                          "reason": outcome?.reason])
            }))
            fields.append(("counts", ReviewJSON.object(["developerKeys": snapshot.keys.count, "registrations": snapshot.registrations.count,
                                                        "accounts": snapshot.accounts.count + 1, "tools": snapshot.tools.count, "tokens": snapshot.tokens.count])))
            if withObjects {
                fields.append(("developerKeys", snapshot.keys.map(key)))
                fields.append(("tools", snapshot.tools.map(tool)))
            }
        }
        return NullableJSON(fields: fields.map { (JSONKey($0.0), $0.1) })
    }

    static func key(_ k: CanvasDeveloperKey) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "id": k.id, "name": k.name, "workflowState": k.workflowState, "binding": k.binding?.rawValue, "effectivelyOn": k.isEffectivelyOn,
            "inherited": k.inherited, "inheritedFrom": k.inheritedFrom, "scopes": k.scopes, "requireScopes": k.requireScopes,
            "allowIncludes": k.allowIncludes, "redirectURIs": k.redirectURIs, "isLTIKey": k.isLTIKey, "accessTokenCount": k.accessTokenCount,
            "lastUsedAt": k.lastUsedAt.map(Format.iso), "vendorCode": k.vendorCode, "email": k.email,
        ])
    }

    static func tool(_ t: CanvasTool) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "id": t.id, "context": t.context, "name": t.name, "domain": t.domain, "privacyLevel": t.privacyLevel, "workflowState": t.workflowState,
            "developerKeyID": t.developerKeyID, "registrationID": t.registrationID, "version": t.version, "placements": t.placements,
        ])
    }

    static func difference(_ d: CanvasDifference) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "since": Format.iso(d.since), "summary": d.summary, "keysSwitchedOn": d.keysSwitchedOn, "keysSwitchedOff": d.keysSwitchedOff,
            "keysAdded": d.keysAdded, "keysRemoved": d.keysRemoved, "scopesAdded": d.scopesAdded, "scopesRemoved": d.scopesRemoved,
            "toolsAdded": d.toolsAdded, "toolsRemoved": d.toolsRemoved, "tokensAdded": d.tokensAdded, "tokensRemoved": d.tokensRemoved,
            "changes": d.changes.map { ReviewJSON.object(["what": $0.what, "detail": $0.detail]) },
        ])
    }

    static func finding(_ f: CanvasFinding) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "kind": f.kind.rawValue, "severity": f.severity.rawValue, "integrationID": f.integrationID, "integrationName": f.integrationName,
            "objectKind": f.objectKind.rawValue, "objectID": f.objectID, "objectName": f.objectName, "canvasSays": f.canvasSays,
            "approved": f.approved, "fix": f.fix,
        ])
    }

    static func write(_ w: CanvasWrite) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "id": w.id.description, "action": w.target.action.rawValue, "objectID": w.target.objectID, "userID": w.target.userID,
            "context": w.target.context?.kind.rawValue, "contextID": w.target.context?.id, "objectName": w.target.name, "state": w.state.rawValue, "reason": w.reason, "integrationID": w.integrationID?.description,
            "releaseID": w.releaseID?.description, "findingKind": w.findingKind?.rawValue, "requestedBy": w.requestedBy,
            "requestedAt": Format.iso(w.requestedAt), "attempts": w.attempts, "outcome": w.outcome, "updatedAt": Format.iso(w.updatedAt),
        ])
    }

    static func result(_ stored: CanvasSync, _ findings: [CanvasFinding]) -> NullableJSON<JSONKey> {
        ReviewJSON.object(["sync": sync(stored), "findings": findings.map(finding)])
    }
}
