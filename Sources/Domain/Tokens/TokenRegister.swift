import Foundation

/// Whose Canvas user access token it is. Canvas Data 2 exports carry no role: `unknown` until checked.
public enum TokenHolderRole: String, CaseIterable, Codable, Sendable {
    case student, teacher, ta, staff, admin
    case serviceAccount = "service_account"
    case unknown

    public var label: String {
        switch self {
        case .student: "Student"
        case .teacher: "Teacher"
        case .ta: "Teaching assistant"
        case .staff: "Staff"
        case .admin: "Admin"
        case .serviceAccount: "Service account"
        case .unknown: "Unknown (check in Canvas)"
        }
    }
}

public struct RegisteredTokenFields: Equatable, Sendable {
    public var holder: String
    public var role: TokenHolderRole
    public var purpose: String?
    public var createdOn: String
    public var expiresOn: String?
    public var lastUsedOn: String?
    public var integrationID: Integration.ID?
    public var developerKeyID: String?
    public var workflowState: String?

    public init(holder: String, role: TokenHolderRole, purpose: String? = nil, createdOn: String, expiresOn: String? = nil, lastUsedOn: String? = nil,
                integrationID: Integration.ID? = nil, developerKeyID: String? = nil, workflowState: String? = nil) {
        self.holder = holder
        self.role = role
        self.purpose = purpose
        self.createdOn = createdOn
        self.expiresOn = expiresOn
        self.lastUsedOn = lastUsedOn
        self.integrationID = integrationID
        self.developerKeyID = developerKeyID
        self.workflowState = workflowState
    }

    public static func validate(
        holder: String?, role: String?, purpose: String?, createdOn: String?, expiresOn: String?, lastUsedOn: String?, integrationID: String?,
        developerKeyID: String? = nil, workflowState: String? = nil
    ) throws -> RegisteredTokenFields {
        var errors = ValidationErrors()
        let holder = Check.required(holder, field: "holder", label: "Holder", max: 200, errors: &errors)
        let role = TokenHolderRole(rawValue: Check.trimmed(role).lowercased())
        if role == nil { errors.add("role", "Choose student, teacher, ta, staff, admin, service_account or unknown.") }
        let purpose = Check.optional(purpose, field: "purpose", label: "Purpose", max: 1000, errors: &errors)
        func day(_ raw: String?, _ field: String, required: Bool) -> String? {
            let text = String(Check.trimmed(raw).prefix(10))
            if text.isEmpty {
                if required { errors.add(field, "Enter a date such as 2026-09-01.") }
                return nil
            }
            if !CalendarDay.isValid(text) { errors.add(field, "Enter a date such as 2026-09-01."); return nil }
            return text
        }
        let created = day(createdOn, "createdOn", required: true)
        let expires = day(expiresOn, "expiresOn", required: false)
        let lastUsed = day(lastUsedOn, "lastUsedOn", required: false)
        if let created, let expires, expires < created { errors.add("expiresOn", "A token cannot expire before it was created.") }
        let rawIntegration = Check.trimmed(integrationID)
        let integration = rawIntegration.isEmpty ? nil : Integration.ID(string: rawIntegration)
        if !rawIntegration.isEmpty && integration == nil { errors.add("integrationID", "Choose an integration from the list.") }
        let key = Check.optional(developerKeyID, field: "developerKeyID", label: "Developer key id", max: 40, errors: &errors)
        let state = Check.optional(workflowState, field: "workflowState", label: "State", max: 40, errors: &errors)
        try errors.throwIfAny()
        return RegisteredTokenFields(holder: holder, role: role!, purpose: purpose, createdOn: created!, expiresOn: expires, lastUsedOn: lastUsed,
                                     integrationID: integration, developerKeyID: key, workflowState: state)
    }
}

public struct RegisteredToken: Equatable, Sendable {
    public typealias ID = Identifier<RegisteredToken>

    public let id: ID
    public var fields: RegisteredTokenFields
    public var revokedOn: String?
    public var revokedBy: String?
    public var revocationNote: String?
    public let source: String
    public let createdAt: Date

    public init(id: ID, fields: RegisteredTokenFields, revokedOn: String? = nil, revokedBy: String? = nil, revocationNote: String? = nil,
                source: String, createdAt: Date) {
        self.id = id
        self.fields = fields
        self.revokedOn = revokedOn
        self.revokedBy = revokedBy
        self.revocationNote = revocationNote
        self.source = source
        self.createdAt = createdAt
    }

    public var isRevoked: Bool { revokedOn != nil || ["deleted", "revoked"].contains(fields.workflowState?.lowercased() ?? "") }
}

/// A rule of the token policy that a token breaks, in words an admin can act on.
public struct TokenViolation: Equatable, Sendable {
    public let rule: String
    public let detail: String
}

public enum TokenPolicy {
    /// What is wrong with a live token under the institution's policy (revoked tokens break nothing).
    public static func violations(_ token: RegisteredToken, policy: Policy) -> [TokenViolation] {
        guard !token.isRevoked else { return [] }
        let f = token.fields
        var found: [TokenViolation] = []
        switch (policy.tokenHolders, f.role) {
        case (.adminsOnly, .admin), (.adminsOnly, .serviceAccount), (.everyone, _): break
        case (.adminsOnly, _):
            found.append(TokenViolation(rule: "Only admins may hold tokens", detail: "\(f.holder) is \(f.role.label.lowercased())."))
        case (.everyoneButStudents, .student):
            found.append(TokenViolation(rule: "Students may not hold tokens", detail: "\(f.holder) is a student."))
        case (.everyoneButStudents, _): break
        }
        if f.role == .unknown {
            found.append(TokenViolation(rule: "Holder's role unknown", detail: "Look the user up in Canvas and record the role."))
        }
        if policy.tokenPurposeRequired && (f.purpose ?? "").isEmpty {
            found.append(TokenViolation(rule: "A purpose is required", detail: "No purpose is recorded."))
        }
        if f.role == .student {
            if let expires = f.expiresOn {
                if let days = Reminders.days(from: f.createdOn, to: expires), days > policy.studentTokenMaxDays {
                    found.append(TokenViolation(rule: "Student tokens expire within \(policy.studentTokenMaxDays) days",
                                                detail: "It expires \(days) days after it was created (\(expires))."))
                }
            } else {
                found.append(TokenViolation(rule: "Student tokens expire within \(policy.studentTokenMaxDays) days", detail: "It never expires."))
            }
        }
        return found
    }

    /// The register's standing advice for a person's token used by an integration.
    public static func recommendation(_ token: RegisteredToken) -> String? {
        guard !token.isRevoked, token.fields.integrationID != nil, token.fields.role != .serviceAccount else { return nil }
        return "Use a dedicated, limited-role service account for this integration instead of \(token.fields.holder)'s token: a person's token acts with all of their rights and bypasses SSO and MFA."
    }
}

/// Reads a CSV file of tokens: VendorReview's own columns, or Canvas Data 2's `access_tokens` table.
public enum TokenCSV {
    public static let ownColumns = ["holder", "role", "purpose", "created_on", "expires_on", "last_used_on", "integration_id"]
    public static let canvasDataColumns = ["developer_key_id", "user_id", "purpose", "expires_at", "last_used_at", "workflow_state", "created_at"]
    public static let maxRows = 10_000

    /// Rows of fields, with quoting per RFC 4180 (quoted commas, doubled quotes, line breaks in quotes).
    public static func rows(_ text: String) throws -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, atFieldStart = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let after = next() {
                        if after == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = after }
                    } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case ",": row.append(field); field = ""; atFieldStart = true
            case "\r": continue
            case "\n":
                row.append(field); field = ""; atFieldStart = true
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
            default: field.unicodeScalars.append(c); atFieldStart = false
            }
        }
        if quoted { throw DomainError.validation(ValidationErrors(["file": "The file ends inside a quoted field."])) }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// Validated entries, or every problem with its line number. Nothing is half-imported.
    public static func parse(_ text: String, integrations: [String: Integration.ID]) throws -> [RegisteredTokenFields] {
        let all = try rows(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = all.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw DomainError.validation(ValidationErrors(["file": "The file is empty."]))
        }
        let canvasData = Set(canvasDataColumns).isSubset(of: header)
        guard canvasData || Set(["holder", "role", "created_on"]).isSubset(of: header) else {
            throw DomainError.validation(ValidationErrors(["file": "The first line must name the columns: either \(ownColumns.joined(separator: ",")) or Canvas Data 2's \(canvasDataColumns.joined(separator: ","))."]))
        }
        if all.count - 1 > maxRows { throw DomainError.validation(ValidationErrors(["file": "At most \(maxRows) tokens per file."])) }
        func column(_ row: [String], _ name: String) -> String? {
            guard let index = header.firstIndex(of: name), index < row.count else { return nil }
            let value = row[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty || value.lowercased() == "null" ? nil : value
        }
        var result: [RegisteredTokenFields] = []
        var problems: [String] = []
        for (offset, row) in all.dropFirst().enumerated() {
            let line = offset + 2
            do {
                if canvasData {
                    var fields = try RegisteredTokenFields.validate(
                        holder: column(row, "user_id").map { "Canvas user \($0)" }, role: "unknown", purpose: column(row, "purpose"),
                        createdOn: column(row, "created_at"), expiresOn: column(row, "expires_at"), lastUsedOn: column(row, "last_used_at"), integrationID: nil,
                        developerKeyID: column(row, "developer_key_id"), workflowState: column(row, "workflow_state"))
                    if let key = fields.developerKeyID { fields.integrationID = integrations[key] }
                    result.append(fields)
                } else {
                    let integration = column(row, "integration_id")
                    result.append(try RegisteredTokenFields.validate(
                        holder: column(row, "holder"), role: column(row, "role"), purpose: column(row, "purpose"), createdOn: column(row, "created_on"),
                        expiresOn: column(row, "expires_on"), lastUsedOn: column(row, "last_used_on"),
                        integrationID: integration.map { integrations[$0]?.description ?? $0 }))
                }
            } catch let DomainError.validation(errors) {
                problems.append("line \(line): " + errors.messages.sorted { $0.key < $1.key }.map { "\($0.key) — \($0.value)" }.joined(separator: "; "))
            }
        }
        if !problems.isEmpty {
            let shown = problems.prefix(20).joined(separator: "\n") + (problems.count > 20 ? "\n… and \(problems.count - 20) more" : "")
            throw DomainError.validation(ValidationErrors(["file": "Nothing was imported. Fix these lines:\n" + shown]))
        }
        return result
    }
}

public protocol TokenRegisterRepository: Sendable {
    func list() async throws -> [RegisteredToken]
    func add(_ entries: [RegisteredTokenFields], source: String, by actor: Actor, at now: Date, ids: @escaping @Sendable () -> RegisteredToken.ID) async throws -> Int
    func revoke(_ id: RegisteredToken.ID, note: String, on day: String, by actor: Actor, at now: Date) async throws
}
