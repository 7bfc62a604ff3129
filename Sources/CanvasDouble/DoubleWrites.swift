import Foundation
import Vapor

/// The changes the double accepts, as Canvas's controllers answer them: creating a developer key
/// (`DeveloperKeysController#create`, as an admin does in Canvas before a release; the new key's binding is
/// off), developer key account bindings
/// (`DeveloperKeyAccountBindingsController#create_or_update`), LTI registration binds, LTI context
/// controls (`Lti::ContextControlsController`: list by deployment, create 201, update), and deleting a
/// user's token. A missing permission is answered as Canvas does, 401 "user not authorized to perform
/// that action" without asking for a new token. Each change is logged for tests (`GET /__double/writes`).
extension DoubleState {
    /// Nil when the request is not a change this handles (reads go to `route`).
    func change(_ req: Request, _ parts: [String], path: String, headers: HTTPHeaders) async throws -> Response? {
        func isRoot(_ id: String) -> Bool { id == "self" || id == rootID }
        let missing = Self.error(.notFound, "The specified resource does not exist.", headers: headers)
        let body = req.body.string ?? ""
        let kind: String, permission: String
        switch (req.method, parts.first, parts.count) {
        case (.POST, "accounts", 3) where parts[2] == "developer_keys":
            (kind, permission) = ("key_create", "manage_developer_keys")
        case (.POST, "accounts", 5) where parts[2] == "developer_keys" && parts[4] == "developer_key_account_bindings":
            (kind, permission) = ("binding", "manage_developer_keys")
        case (.GET, "accounts", 5) where parts[2] == "lti_registrations" && parts[4] == "controls":
            guard isRoot(parts[1]), let deployments = controlsByDeployment(parts[3]) else { return missing }
            return Self.ok(deployments, headers: headers)
        case (.POST, "accounts", 5) where parts[2] == "lti_registrations" && parts[4] == "controls":
            (kind, permission) = ("context_control", "manage_lti_registrations")
        case (.PUT, "accounts", 6) where parts[2] == "lti_registrations" && parts[4] == "controls":
            (kind, permission) = ("context_control_update", "manage_lti_registrations")
        case (.POST, "accounts", 5) where parts[2] == "lti_registrations" && parts[4] == "bind":
            (kind, permission) = ("registration_bind", "manage_lti_registrations")
        case (.DELETE, "users", 4) where parts[2] == "tokens":
            (kind, permission) = ("token_delete", "delete_access_tokens")
        case (.GET, "accounts", 4) where parts[2] == "lti_registrations":
            guard isRoot(parts[1]), let found = locked({ registrations?.first { Self.hasID($0, parts[3]) } }) else { return missing }
            return Self.ok(found, headers: headers)
        case (.GET, "users", 4) where parts[2] == "tokens":
            guard let found = locked({ tokens[parts[1]]?.first { Self.hasID($0, parts[3]) } }) else { return missing }
            return Self.ok(found, headers: headers)
        default:
            return nil
        }
        if let delay = quirks.writeDelayMilliseconds, delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000) }
        guard (scenario.permissions ?? [:])[permission] == true else {
            record(req, path: path, body: body, status: 401)
            let refused = Self.error(.unauthorized, "user not authorized to perform that action", headers: headers)
            refused.headers.remove(name: "WWW-Authenticate")
            return refused
        }
        let fault = takeWriteFault(kind)
        if let fault, !(fault.applied ?? false) {
            record(req, path: path, body: body, status: fault.status)
            return Self.error(HTTPResponseStatus(statusCode: fault.status), "An error occurred.", headers: headers)
        }
        let answer: Response
        switch kind {
        case "binding":
            guard isRoot(parts[1]) else { return missing }
            let state = Self.query(body).first { $0.0 == "developer_key_account_binding[workflow_state]" }?.1
                ?? ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]).flatMap { ($0["developer_key_account_binding"] as? [String: Any])?["workflow_state"] as? String }
            guard let state, ["on", "off", "allow"].contains(state) else {
                return Self.error(.badRequest, "workflow_state must be on, off or allow", headers: headers)
            }
            guard let binding = setBinding(parts[3], state) else { return missing }
            answer = Self.ok(binding, headers: headers)
        case "key_create":
            guard isRoot(parts[1]) else { return missing }
            guard let created = createKey(Self.query(body)) else {
                return Self.error(.badRequest, "developer_key[name] is required", headers: headers)
            }
            answer = Self.ok(created, headers: headers)
        case "context_control", "context_control_update":
            guard isRoot(parts[1]) else { return missing }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
            let result = kind == "context_control" ? createControl(parts[3], object) : updateControl(parts[3], parts[5], object)
            switch result {
            case .success(let control):
                answer = Self.ok(control, headers: headers)
                if kind == "context_control" { answer.status = .created }
            case .failure(let refusal):
                record(req, path: path, body: body, status: Int(refusal.status.code))
                return Self.error(refusal.status, refusal.message, headers: headers)
            }
        case "registration_bind":
            guard isRoot(parts[1]) else { return missing }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            let state = object?["workflow_state"] as? String ?? Self.query(body).first { $0.0 == "workflow_state" }?.1
            guard let state, ["on", "off", "allow"].contains(state) else {
                return Self.error(.badRequest, "workflow_state must be on, off or allow", headers: headers)
            }
            guard let bound = bindRegistration(parts[3], state) else { return missing }
            answer = Self.ok(bound, headers: headers)
        default:
            guard let deleted = deleteToken(user: parts[1], token: parts[3]) else { return missing }
            answer = Self.ok(deleted, headers: headers)
        }
        if let fault {
            record(req, path: path, body: body, status: fault.status)
            return Self.error(HTTPResponseStatus(statusCode: fault.status), "An error occurred.", headers: headers)
        }
        record(req, path: path, body: body, status: Int(answer.status.code))
        return answer
    }

    /// `GET /__double/writes`: what tests assert on — every change request, in order.
    public func writes() -> Response {
        let log = locked { writeLog }
        return Self.ok(Self.json(log), headers: [:])
    }

    static func hasID(_ rendered: Data, _ id: String) -> Bool {
        guard let object = (try? JSONSerialization.jsonObject(with: rendered)) as? [String: Any] else { return false }
        return "\(object["id"] ?? "")" == id
    }

    private func record(_ req: Request, path: String, body: String, status: Int) {
        locked { writeLog.append(["method": req.method.rawValue, "path": path, "body": String(body.prefix(2000)), "status": status]) }
    }

    private func takeWriteFault(_ kind: String) -> CanvasScenario.WriteFault? {
        guard let fault = quirks.writeFault, fault.action == kind else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let served = faultsServed["write#\(kind)", default: 0]
        guard served < (fault.times ?? 1) else { return nil }
        faultsServed["write#\(kind)"] = served + 1
        return fault
    }

    private func setBinding(_ keyID: String, _ state: String) -> Data? {
        locked {
            guard let index = keyObjects.firstIndex(where: { $0.id == keyID }) else { return nil }
            keyObjects[index].binding = state
            let rendered = Self.ownKey(keyObjects[index], root: rootID)
            ownKeys[index] = Self.json(rendered)
            return Self.json(rendered["developer_key_account_binding"] ?? [:])
        }
    }

    /// A new API key from `developer_key[...]` form fields, numbered after the highest id in the account.
    private func createKey(_ fields: [(String, String)]) -> Data? {
        func value(_ name: String) -> String? { fields.first { $0.0 == "developer_key[\(name)]" }?.1 }
        guard let name = value("name")?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 255 else { return nil }
        return locked {
            let next = (keyObjects.compactMap { Int64($0.id) }.max() ?? 170_000_000_000_000) + 1
            var key = CanvasScenario.Key(id: String(next), name: name)
            key.workflowState = "active"
            key.binding = "off"
            key.scopes = fields.filter { $0.0 == "developer_key[scopes][]" }.map(\.1)
            key.requireScopes = value("require_scopes") == "true"
            key.allowIncludes = value("allow_includes") == "true"
            key.email = value("email")
            key.redirectUris = value("redirect_uris")?.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            key.accessTokenCount = 0
            key.createdAt = "2026-12-01T09:00:00Z"
            keyObjects.append(key)
            let rendered = Self.ownKey(key, root: rootID)
            ownKeys.append(Self.json(rendered))
            return Self.json(rendered)
        }
    }

    struct Refusal: Error {
        let status: HTTPResponseStatus
        let message: String
    }

    /// The registration's deployment in the root account, as Canvas numbers a ContextExternalTool.
    private func deploymentID(_ registrationID: String) -> String { "77\(registrationID.suffix(6))" }

    private func controlsByDeployment(_ registrationID: String) -> Data? {
        locked {
            guard registrationObjects?.contains(where: { $0.id == registrationID }) == true else { return nil }
            let controls = contextControls[registrationID] ?? []
            let deployment: [String: Any] = ["id": Int64(deploymentID(registrationID)) ?? 0, "deployment_id": deploymentID(registrationID),
                                             "context_type": "Account", "context_id": Int64(rootID) ?? 0, "context_name": scenario.account.name,
                                             "workflow_state": "active", "context_controls": controls]
            return Self.json([deployment])
        }
    }

    private func createControl(_ registrationID: String, _ body: [String: Any]) -> Result<Data, Refusal> {
        locked {
            guard registrationObjects?.contains(where: { $0.id == registrationID }) == true else {
                return .failure(Refusal(status: .notFound, message: "The specified resource does not exist."))
            }
            func text(_ key: String) -> String? { body[key].flatMap { $0 is NSNull ? nil : "\($0)" }.flatMap { $0.isEmpty ? nil : $0 } }
            let account = text("account_id"), course = text("course_id")
            guard account != nil || course != nil else {
                return .failure(Refusal(status: .unprocessableEntity, message: "Either account_id or course_id must be present."))
            }
            if let account, accounts[account] == nil { return .failure(Refusal(status: .notFound, message: "The specified resource does not exist.")) }
            if let course, !course.allSatisfy(\.isNumber) { return .failure(Refusal(status: .notFound, message: "The specified resource does not exist.")) }
            let existing = contextControls[registrationID] ?? []
            if existing.contains(where: { $0["account_id"].map { "\($0)" } == account && $0["course_id"].map { "\($0)" } == course }) {
                return .failure(Refusal(status: .unprocessableEntity, message: "A context control for this deployment and context already exists."))
            }
            let id = 880_000 + contextControls.values.reduce(0) { $0 + $1.count } + 1
            var control: [String: Any] = ["id": id, "registration_id": Int64(registrationID) ?? 0, "deployment_id": Int64(deploymentID(registrationID)) ?? 0,
                                          "available": body["available"] as? Bool ?? true, "workflow_state": "active",
                                          "path": course.map { "a\(rootID).c\($0)." } ?? "a\(rootID).a\(account ?? "")."]
            if let account { control["account_id"] = Int64(account) ?? 0 }
            if let course { control["course_id"] = Int64(course) ?? 0 }
            contextControls[registrationID, default: []].append(control)
            return .success(Self.json(control))
        }
    }

    private func updateControl(_ registrationID: String, _ controlID: String, _ body: [String: Any]) -> Result<Data, Refusal> {
        locked {
            guard let index = contextControls[registrationID]?.firstIndex(where: { "\($0["id"] ?? "")" == controlID }) else {
                return .failure(Refusal(status: .notFound, message: "The specified resource does not exist."))
            }
            guard let available = body["available"] as? Bool else {
                return .failure(Refusal(status: .unprocessableEntity, message: "available must be true or false"))
            }
            contextControls[registrationID]?[index]["available"] = available
            return .success(Self.json(contextControls[registrationID]?[index] ?? [:]))
        }
    }

    private func bindRegistration(_ id: String, _ state: String) -> Data? {
        locked {
            guard let index = registrationObjects?.firstIndex(where: { $0.id == id }) else { return nil }
            registrationObjects?[index].binding = state
            guard let registration = registrationObjects?[index] else { return nil }
            let rendered = Self.json(Self.registration(registration, root: rootID))
            registrations?[index] = rendered
            return rendered
        }
    }

    private func deleteToken(user: String, token: String) -> Data? {
        locked {
            guard let index = tokenObjects[user]?.firstIndex(where: { $0.id == token }), var object = tokenObjects[user]?[index] else { return nil }
            tokenObjects[user]?.remove(at: index)
            tokens[user]?.remove(at: index)
            object.workflowState = "deleted"
            return Self.json(Self.userToken(object))
        }
    }
}
