import Domain
import Operations
import Persistence
import Vapor

/// The gate and key release over the JSON API; the same operations as the pages.
struct ReleaseAPIController: Sendable {
    struct RequestBody: Content { var previous: String? }
    struct VerifyBody: Content {
        var code: String?
        var canvasKeyID: String?
        var allowIncludeParameters: Bool?
        var expiresOn: String?
        var rereviewOn: String?
    }
    struct ActionBody: Content { var action: String?; var note: String? }

    static func gateJSON(_ gate: Gate, role: Role?) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "met": gate.isMet,
            "items": gate.items.map { ReviewJSON.object(["id": $0.id, "title": $0.title, "status": $0.status.rawValue, "reason": $0.reason, "fix": SiteURL.link($0.fix, for: role)]) },
        ])
    }

    static func releaseJSON(_ r: KeyRelease, policy: Policy, now: Date) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "id": r.id.description, "integrationID": r.integrationID.description, "state": r.state(at: now, policy: policy).rawValue,
            "requestedBy": r.requestedBy, "requestedAt": Format.iso(r.requestedAt), "codesSent": r.codesSent, "attempts": r.attempts,
            "verifiedAt": r.verifiedAt.map(Format.iso), "canvasKeyID": r.details?.canvasKeyID, "scopes": r.details?.scopes,
            "allowIncludeParameters": r.details?.allowIncludeParameters, "expiresOn": r.details?.expiresOn, "rereviewOn": r.details?.rereviewOn,
            "whitelistVersion": r.whitelistVersion, "previousID": r.previousID?.description, "scopeChanged": r.scopeChanged, "note": r.note,
        ])
    }

    func gate(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        return try Self.gateJSON(try await req.operations.gates.evaluate(integration), role: req.currentUser?.role).json(req)
    }

    func list(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        return try await req.store.releases.list(integration.id).map { Self.releaseJSON($0, policy: req.context.policy, now: req.now) }.json(req)
    }

    func request(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let body = (try? req.content.decode(RequestBody.self)) ?? RequestBody()
        let release = try await req.operations.releases.request(integration, rotating: body.previous.flatMap(KeyRelease.ID.init(string:)), by: try req.requireUser())
        return try Self.releaseJSON(release, policy: req.context.policy, now: req.now).json(req, status: .created)
    }

    func show(req: Request) async throws -> Response {
        try Self.releaseJSON(try await req.releaseParameter(), policy: req.context.policy, now: req.now).json(req)
    }

    func verify(req: Request) async throws -> Response {
        let release = try await req.releaseParameter()
        let body = try req.content.decode(VerifyBody.self)
        let released = try await req.operations.releases.verify(release, KeyReleases.Confirmation(
            code: body.code ?? "", canvasKeyID: body.canvasKeyID, allowIncludeParameters: body.allowIncludeParameters == true ? "on" : nil,
            expiresOn: body.expiresOn, rereviewOn: body.rereviewOn), by: try req.requireUser())
        return try Self.releaseJSON(released, policy: req.context.policy, now: req.now).json(req)
    }

    func resend(req: Request) async throws -> Response {
        let updated = try await req.operations.releases.resend(try await req.releaseParameter(), by: try req.requireUser())
        return try Self.releaseJSON(updated, policy: req.context.policy, now: req.now).json(req)
    }

    func perform(req: Request) async throws -> Response {
        let body = try req.content.decode(ActionBody.self)
        let updated = try await req.operations.releases.perform(body.action, note: body.note, on: try await req.releaseParameter(), by: req.actor)
        return try Self.releaseJSON(updated, policy: req.context.policy, now: req.now).json(req)
    }
}

