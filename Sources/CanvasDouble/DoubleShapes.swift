import Foundation
import Vapor

/// Canvas's object shapes, from the REST API documentation's Developer Keys, Account Bindings, LTI
/// Registrations, External Tools, Access Tokens and Accounts pages; where Canvas answers otherwise than
/// it documents (redirect_uris as one newline-joined string), the double answers as Canvas does.
extension DoubleState {
    /// Global ids are JSON numbers when they are all digits, strings otherwise (`1~23`).
    static func id(_ raw: String) -> Any { raw.allSatisfy(\.isNumber) ? (Int64(raw) as Any? ?? raw) : raw }
    static func nullable(_ value: Any?) -> Any { value ?? NSNull() }

    static func binding(_ keyID: String, state: String, root: String, id: Int) -> [String: Any] {
        ["id": Int64(id), "account_id": Self.id(root), "developer_key_id": Self.id(keyID), "workflow_state": state, "account_owns_binding": true]
    }

    static func ownKey(_ key: CanvasScenario.Key, root: String) -> [String: Any] {
        [
            "id": id(key.id), "name": key.name, "created_at": key.createdAt ?? "2026-01-05T14:00:00Z", "email": nullable(key.email), "notes": nullable(key.notes),
            "vendor_code": nullable(key.vendorCode), "icon_url": NSNull(), "user_id": NSNull(), "user_name": NSNull(), "api_key": "redacted-\(key.id)",
            "workflow_state": key.workflowState ?? "active", "scopes": key.scopes ?? [], "require_scopes": key.requireScopes ?? true,
            "allow_includes": key.allowIncludes ?? false, "redirect_uri": key.redirectUris?.first ?? NSNull(),
            // Canvas serialises the list as one newline-joined string, though its documentation says array.
            "redirect_uris": (key.redirectUris ?? []).joined(separator: "\n"), "is_lti_key": key.isLtiKey ?? false,
            "access_token_count": key.accessTokenCount ?? 0, "last_used_at": nullable(key.lastUsedAt), "visible": true, "test_cluster_only": false,
            "developer_key_account_binding": binding(key.id, state: key.binding ?? "off", root: root, id: abs(key.id.hashValue % 100_000)),
        ]
    }

    /// Inherited keys come with only a few fields: no scopes, e-mail, vendor code or redirect URIs.
    static func inheritedKey(_ key: CanvasScenario.Key, root: String) -> [String: Any] {
        [
            "id": id(key.id), "name": key.name, "created_at": key.createdAt ?? "2026-01-05T14:00:00Z", "icon_url": NSNull(),
            "workflow_state": key.workflowState ?? "active", "is_lti_key": key.isLtiKey ?? false, "lti_registration_id": NSNull(),
            "inherited_from": key.inheritedFrom ?? "global",
            "developer_key_account_binding": binding(key.id, state: key.binding ?? "off", root: root, id: abs(key.id.hashValue % 100_000)),
        ]
    }

    static func registration(_ registration: CanvasScenario.Registration, root: String) -> [String: Any] {
        let placements: [[String: Any]] = (registration.placements ?? []).map {
            ["placement": $0, "message_type": "LtiResourceLinkRequest", "enabled": true]
        }
        return [
            "id": id(registration.id), "name": registration.name, "admin_nickname": NSNull(), "vendor": nullable(registration.vendor),
            "lti_version": "1.3", "developer_key_id": registration.developerKeyId.map(id) ?? NSNull(), "inherited": registration.inherited ?? false,
            "workflow_state": registration.workflowState ?? "active", "root_account_id": id(root),
            "account_binding": ["workflow_state": registration.binding ?? "on", "account_id": id(root)],
            "overlaid_configuration": ["privacy_level": registration.privacyLevel ?? "anonymous", "scopes": registration.scopes ?? [], "placements": placements,
                                       "title": registration.name],
        ]
    }

    static func tool(_ tool: CanvasScenario.Tool) -> [String: Any] {
        var object: [String: Any] = [
            "id": id(tool.id), "name": tool.name, "domain": nullable(tool.domain), "url": nullable(tool.url), "consumer_key": NSNull(),
            "privacy_level": tool.privacyLevel ?? "anonymous", "workflow_state": tool.workflowState ?? "public", "version": tool.version ?? "1.3",
            "developer_key_id": tool.developerKeyId.map(id) ?? NSNull(), "lti_registration_id": tool.ltiRegistrationId.map(id) ?? NSNull(),
            "deployment_id": nullable(tool.deploymentId), "created_at": "2026-02-01T10:00:00Z", "updated_at": "2026-02-01T10:00:00Z",
            "description": "", "custom_fields": [String: String](), "not_selectable": false,
        ]
        // Every placement Canvas knows is a key: its settings when used, else null.
        for placement in ["account_navigation", "course_navigation", "editor_button", "link_selection", "assignment_selection", "user_navigation",
                          "global_navigation", "homework_submission", "resource_selection", "similarity_detection", "course_home_sub_navigation"] {
            object[placement] = NSNull()
        }
        for placement in tool.placements ?? [] {
            object[placement] = ["enabled": true, "url": tool.url ?? "https://\(tool.domain ?? "tool.example")/launch", "text": tool.name,
                                 "message_type": "LtiResourceLinkRequest"]
        }
        return object
    }

    static func userToken(_ token: CanvasScenario.UserToken) -> [String: Any] {
        [
            "id": id(token.id), "purpose": nullable(token.purpose), "created_at": token.createdAt ?? "2026-09-01T12:00:00Z",
            "expires_at": nullable(token.expiresAt), "last_used_at": nullable(token.lastUsedAt), "workflow_state": token.workflowState ?? "active",
            "scopes": token.scopes ?? [], "app_name": "User-Generated", "visible_token": "\(token.id.prefix(4))...", "real_user_id": NSNull(),
        ]
    }

    static func account(_ account: CanvasScenario.Account, root: String) -> [String: Any] {
        [
            "id": id(account.id), "name": account.name, "uuid": "uuid-\(account.id)", "parent_account_id": account.parentAccountId.map(id) ?? NSNull(),
            "root_account_id": account.id == root ? NSNull() : id(root), "workflow_state": "active", "default_time_zone": "America/Chicago",
        ]
    }

    /// The `developer_key_report_csv` account report: the only place inherited keys' scopes are listed.
    static func developerKeyReport(own: [CanvasScenario.Key], inherited: [CanvasScenario.Key]) -> String {
        func cell(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = ["Global ID,Key Name,Inherited from Parent Account,Contact Info,Key Type,Placements,Status,Permitted API Endpoints"]
        for (key, isInherited) in own.map({ ($0, false) }) + inherited.map({ ($0, true) }) {
            let endpoints = (key.requireScopes ?? true) ? (key.scopes ?? []).joined(separator: "\n") : "All"
            lines.append([key.id, key.name, isInherited ? "Yes" : "No", key.email ?? "", (key.isLtiKey ?? false) ? "LTI" : "API", "", key.binding ?? "off", endpoints]
                .map(cell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Wire helpers

    static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func ok(_ body: Data, headers: HTTPHeaders) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    static func error(_ status: HTTPResponseStatus, _ message: String, headers: HTTPHeaders) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(data: json(["errors": [["message": message]]])))
    }

    static func query(_ raw: String?) -> [(String, String)] {
        guard let raw, !raw.isEmpty else { return [] }
        return raw.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Canvas's bookmark pages look like `bookmark:WzEwMF0`: base64 of a JSON array, opaque to clients.
    static func bookmark(_ offset: Int) -> String {
        "bookmark:" + Data("[\(offset)]".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func offset(bookmark raw: String) -> Int? {
        guard raw.hasPrefix("bookmark:") else { return nil }
        var text = String(raw.dropFirst("bookmark:".count))
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8),
              decoded.hasPrefix("["), decoded.hasSuffix("]"), let offset = Int(decoded.dropFirst().dropLast()), offset >= 0 else { return nil }
        return offset
    }

    static func verifier(_ id: String) -> String { String(UInt64(bitPattern: Int64(id.hashValue)) % 1_000_000_007) }

    /// Adds the scenario's synthetic bulk: keys, sub-accounts, tools spread over them, token holders.
    static func expand(_ scenario: inout CanvasScenario) {
        guard let generate = scenario.generate else { return }
        let root = scenario.account.id
        var keys = scenario.developerKeys ?? []
        for index in 0..<(generate.developerKeys ?? 0) {
            var key = CanvasScenario.Key(id: String(10_000_000_100_000 + index), name: "Bulk key \(index)")
            key.binding = index % 3 == 0 ? "on" : "off"
            key.scopes = (0..<5).map { "url:GET|/api/v1/courses/:course_id/bulk_\(index % 40)_\($0)" }
            key.lastUsedAt = "2026-11-30T08:00:00Z"
            keys.append(key)
        }
        scenario.developerKeys = keys
        var subAccounts = scenario.subAccounts ?? []
        for index in 0..<(generate.subAccounts ?? 0) {
            subAccounts.append(.init(id: String(20_000 + index), name: "Department \(index)", parentAccountId: index < 20 ? root : String(20_000 + index % 20)))
        }
        scenario.subAccounts = subAccounts
        var tools = scenario.externalTools ?? [:]
        let accountIDs = [root] + subAccounts.map(\.id)
        for index in 0..<(generate.tools ?? 0) {
            var tool = CanvasScenario.Tool(id: String(30_000 + index), name: "Bulk tool \(index % 150)")
            tool.domain = "tool\(index % 150).example"
            tool.placements = ["course_navigation"]
            tools[accountIDs[index % accountIDs.count], default: []].append(tool)
        }
        scenario.externalTools = tools
        var tokens = scenario.userTokens ?? [:]
        for user in 0..<(generate.tokenUsers ?? 0) {
            tokens[String(5_000_000 + user)] = (0..<(generate.tokensPerUser ?? 0)).map { index in
                var token = CanvasScenario.UserToken(id: String(7_000_000 + user * 1000 + index))
                token.purpose = index % 4 == 0 ? nil : "Reporting"
                return token
            }
        }
        scenario.userTokens = tokens
    }
}
