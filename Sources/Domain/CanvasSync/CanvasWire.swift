import Foundation

/// A Canvas response that does not have the shape its documentation gives.
public struct CanvasWireError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads Canvas REST responses into the sync's value types. Canvas is loose in practice: ids come as
/// numbers or strings, `redirect_uris` as one newline-joined string though documented as an array,
/// inherited keys without scopes, registrations wrapped in `{total, data}`. Every reader accepts those
/// and refuses anything else with a plain message.
public enum CanvasWire {
    /// Deeper than any documented Canvas object; a page nested further is refused before parsing.
    public static let maxDepth = 32

    /// How deeply a JSON text nests, not counting brackets inside strings.
    public static func depth(of bytes: some Sequence<UInt8>) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    public static func json(_ data: Data) throws -> Any {
        guard depth(of: data) <= maxDepth else { throw CanvasWireError("the response nests deeper than \(maxDepth) levels") }
        do {
            return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw CanvasWireError("the response is not JSON")
        }
    }

    static func objects(_ data: Data, what: String) throws -> [[String: Any]] {
        guard let array = try json(data) as? [Any] else { throw CanvasWireError("\(what): expected a JSON array") }
        return try array.map { item in
            guard let object = item as? [String: Any] else { throw CanvasWireError("\(what): expected objects in the array") }
            return object
        }
    }

    static func object(_ data: Data, what: String) throws -> [String: Any] {
        guard let object = try json(data) as? [String: Any] else { throw CanvasWireError("\(what): expected a JSON object") }
        return object
    }

    // MARK: - Field readers

    /// A global id: a JSON number (written without exponent) or a string such as `1~23`.
    static func id(_ value: Any?) -> String? {
        switch value {
        case let text as String: text.isEmpty ? nil : text
        case let number as NSNumber:
            // Large global ids are integers well inside Int64; never format them through Double.
            number.int64Value.description
        default: nil
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let number as NSNumber: number.boolValue
        case let text as String: ["true", "1", "yes"].contains(text.lowercased()) ? true : (["false", "0", "no"].contains(text.lowercased()) ? false : nil)
        default: nil
        }
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }

    static func strings(_ value: Any?) -> [String]? {
        switch value {
        case let array as [Any]: array.compactMap { string($0) }
        case let text as String:
            text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: nil
        }
    }

    /// Canvas writes ISO 8601 times with or without fractional seconds and with `Z` or an offset.
    public static func date(_ value: Any?) -> Date? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    // MARK: - Objects

    public static func account(_ data: Data) throws -> CanvasAccount {
        let object = try object(data, what: "account")
        guard let id = id(object["id"]) else { throw CanvasWireError("account: no id") }
        return CanvasAccount(id: id, name: string(object["name"]) ?? id, parentAccountID: CanvasWire.id(object["parent_account_id"]))
    }

    public static func accounts(_ data: Data) throws -> [CanvasAccount] {
        try objects(data, what: "sub-accounts").compactMap { object in
            guard let id = id(object["id"]) else { return nil }
            return CanvasAccount(id: id, name: string(object["name"]) ?? id, parentAccountID: CanvasWire.id(object["parent_account_id"]))
        }
    }

    /// `{"manage_developer_keys": true, …}`.
    public static func permissions(_ data: Data) throws -> [String: Bool] {
        try object(data, what: "permissions").reduce(into: [:]) { result, pair in result[pair.key] = bool(pair.value) ?? false }
    }

    public static func developerKeys(_ data: Data, inherited: Bool) throws -> [CanvasDeveloperKey] {
        try objects(data, what: "developer keys").map { object in
            guard let id = id(object["id"]) else { throw CanvasWireError("developer keys: a key without an id") }
            let binding = object["developer_key_account_binding"] as? [String: Any]
            return CanvasDeveloperKey(
                id: id, name: string(object["name"]) ?? "Unnamed key \(id)", workflowState: string(object["workflow_state"]) ?? "active",
                binding: (binding?["workflow_state"] as? String).flatMap(CanvasBindingState.init(rawValue:)),
                accountOwnsBinding: bool(binding?["account_owns_binding"]),
                inherited: inherited || object["inherited_from"] != nil, inheritedFrom: string(object["inherited_from"]),
                scopes: strings(object["scopes"]), requireScopes: bool(object["require_scopes"]), allowIncludes: bool(object["allow_includes"]),
                redirectURIs: strings(object["redirect_uris"]) ?? strings(object["redirect_uri"]) ?? [],
                isLTIKey: bool(object["is_lti_key"]) ?? false, accessTokenCount: int(object["access_token_count"]),
                lastUsedAt: date(object["last_used_at"]), createdAt: date(object["created_at"]),
                vendorCode: string(object["vendor_code"]).flatMap { $0.isEmpty ? nil : $0 }, email: string(object["email"]).flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// `{"total": n, "data": [...]}`; returns the page's items and the total Canvas claims.
    public static func registrations(_ data: Data) throws -> (total: Int?, items: [CanvasLTIRegistration]) {
        let wrapper = try object(data, what: "LTI registrations")
        guard let items = wrapper["data"] as? [Any] else { throw CanvasWireError("LTI registrations: expected {\"total\", \"data\"}") }
        let registrations: [CanvasLTIRegistration] = items.compactMap { item in
            guard let object = item as? [String: Any], let id = id(object["id"]) else { return nil }
            let configuration = object["overlaid_configuration"] as? [String: Any] ?? object["configuration"] as? [String: Any] ?? [:]
            let placements = (configuration["placements"] as? [Any] ?? []).compactMap { ($0 as? [String: Any]).flatMap { string($0["placement"]) } }
            let binding = object["account_binding"] as? [String: Any]
            return CanvasLTIRegistration(
                id: id, name: string(object["admin_nickname"]).flatMap { $0.isEmpty ? nil : $0 } ?? string(object["name"]) ?? "Registration \(id)",
                vendor: string(object["vendor"]), developerKeyID: CanvasWire.id(object["developer_key_id"]), inherited: bool(object["inherited"]) ?? false,
                workflowState: string(object["workflow_state"]) ?? "active",
                binding: (binding?["workflow_state"] as? String).flatMap(CanvasBindingState.init(rawValue:)),
                privacyLevel: string(configuration["privacy_level"]), scopes: strings(configuration["scopes"]) ?? [], placements: placements)
        }
        return (int(wrapper["total"]), registrations)
    }

    /// Canvas's placement names, each a key of an external tool that holds its settings or null.
    public static let placementNames: Set<String> = [
        "account_navigation", "analytics_hub", "assignment_edit", "assignment_group_menu", "assignment_index_menu", "assignment_menu",
        "assignment_selection", "assignment_view", "collaboration", "conference_selection", "course_assignments_menu", "course_home_sub_navigation",
        "course_navigation", "course_settings_sub_navigation", "discussion_topic_index_menu", "discussion_topic_menu", "editor_button",
        "file_index_menu", "file_menu", "global_navigation", "homework_submission", "link_selection", "migration_selection", "module_group_menu",
        "module_index_menu", "module_index_menu_modal", "module_menu", "module_menu_modal", "post_grades", "quiz_index_menu", "quiz_menu",
        "resource_selection", "similarity_detection", "student_context_card", "submission_type_selection", "tool_configuration", "top_navigation",
        "user_navigation", "wiki_index_menu", "wiki_page_menu",
    ]

    public static func tools(_ data: Data, context: String) throws -> [CanvasTool] {
        try objects(data, what: "external tools").compactMap { object in
            guard let id = id(object["id"]) else { return nil }
            let placements = object.compactMap { key, value in placementNames.contains(key) && value is [String: Any] ? key : nil }.sorted()
            return CanvasTool(
                id: id, context: context, name: string(object["name"]) ?? "Tool \(id)", domain: string(object["domain"]), url: string(object["url"]),
                privacyLevel: string(object["privacy_level"]), workflowState: string(object["workflow_state"]) ?? "public",
                developerKeyID: CanvasWire.id(object["developer_key_id"]), registrationID: CanvasWire.id(object["lti_registration_id"]),
                deploymentID: string(object["deployment_id"]), version: string(object["version"]), placements: placements)
        }
    }

    public static func userTokens(_ data: Data, userID: String) throws -> [CanvasUserToken] {
        try objects(data, what: "user tokens").compactMap { object in
            guard let id = id(object["id"]) else { return nil }
            return CanvasUserToken(id: id, userID: userID, purpose: string(object["purpose"]).flatMap { $0.isEmpty ? nil : $0 },
                                   createdAt: date(object["created_at"]), expiresAt: date(object["expires_at"]), lastUsedAt: date(object["last_used_at"]),
                                   workflowState: string(object["workflow_state"]) ?? "active", scopes: strings(object["scopes"]) ?? [])
        }
    }

    /// An account report's progress: `status` (created, running, complete, error…) and, when done, `file_url`.
    public struct ReportStatus: Equatable, Sendable {
        public let id: String
        public let status: String
        public let fileURL: String?
    }

    public static func report(_ data: Data) throws -> ReportStatus {
        let object = try object(data, what: "account report")
        guard let id = id(object["id"]) else { throw CanvasWireError("account report: no id") }
        let attachment = object["attachment"] as? [String: Any]
        return ReportStatus(id: id, status: string(object["status"]) ?? "created", fileURL: string(object["file_url"]) ?? string(attachment?["url"]))
    }

    /// The developer key report's rows by Global ID: the only place inherited keys' scopes are listed.
    /// "Permitted API Endpoints" holds the scopes (any of newline, comma or space separated) or "All".
    public static func developerKeyReport(_ text: String) throws -> [String: (scopes: [String], unscoped: Bool)] {
        let rows: [[String]]
        do { rows = try TokenCSV.rows(text) } catch { throw CanvasWireError("developer key report: not CSV") }
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              let idColumn = header.firstIndex(of: "global id"), let scopeColumn = header.firstIndex(of: "permitted api endpoints") else {
            throw CanvasWireError("developer key report: no Global ID or Permitted API Endpoints column")
        }
        var result: [String: (scopes: [String], unscoped: Bool)] = [:]
        for row in rows.dropFirst() where row.count > max(idColumn, scopeColumn) {
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            let raw = row[scopeColumn].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !id.isEmpty else { continue }
            if raw.lowercased() == "all" { result[id] = ([], true); continue }
            let scopes = raw.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == " " || $0 == "\r" }).map(String.init).filter { !$0.isEmpty }
            result[id] = (scopes, false)
        }
        return result
    }
}
