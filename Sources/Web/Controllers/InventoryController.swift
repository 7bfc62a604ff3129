import Domain
import Persistence
import Vapor

extension TokenViolation: Encodable {
    enum CodingKeys: String, CodingKey { case rule, detail }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(detail, forKey: .detail)
    }
}

/// Inherited (global) developer keys and the register of user access tokens.
struct InventoryController: Sendable {
    // MARK: Inherited keys

    func keys(req: Request) async throws -> Response {
        let keys = try await req.store.inheritedKeys.list()
        let names = try await req.store.integrations.names()
        let canEdit = Access.editors.allows(req.currentUser?.role)
        return try await req.page("keys/index", InheritedKeysContext(
            layout: LayoutContext(req, title: "Inherited developer keys"),
            rows: keys.map { key in
                .init(name: key.fields.name, vendor: key.fields.vendor, canvasKeyID: key.fields.canvasKeyID ?? "—", state: key.fields.state.label,
                      stateKey: key.fields.state.rawValue, dependents: key.fields.dependents.compactMap { names[$0] }.joined(separator: ", "),
                      reviewed: key.fields.reviewed, flagged: key.fields.isFlagged, editURL: canEdit ? SiteURL.editInheritedKey(key.id).path : nil)
            }.nonEmpty,
            flaggedCount: keys.filter(\.fields.isFlagged).count, canEdit: canEdit, newURL: SiteURL.newInheritedKey.path))
    }

    func newKey(req: Request) async throws -> Response {
        try await req.page("keys/form", try await keyForm(req, heading: "Record an inherited key", action: SiteURL.inheritedKeys.path,
                                                          values: ["state": "on"], dependents: []))
    }

    func createKey(req: Request) async throws -> Response {
        let pairs = FormPairs.parse(req)
        let values = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let dependents = pairs.filter { $0.0 == "dependents" }.map(\.1)
        do {
            let fields = try await Self.validateKey(req, values, dependents)
            _ = try await req.store.inheritedKeys.create(fields, id: req.context.services.ids(), by: req.actor, at: req.now)
            return req.redirect(to: .inheritedKeys, flash: "Inherited key “\(fields.name)” recorded.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("keys/form", try await keyForm(req, heading: "Record an inherited key", action: SiteURL.inheritedKeys.path, values: values,
                                                                      dependents: dependents, error: mapped), status: mapped.status)
        }
    }

    func editKey(req: Request) async throws -> Response {
        let key = try await req.inheritedKeyParameter()
        let f = key.fields
        return try await req.page("keys/form", try await keyForm(
            req, heading: "Edit \(f.name)", action: SiteURL.inheritedKey(key.id).path,
            values: ["name": f.name, "vendor": f.vendor, "canvasKeyID": f.canvasKeyID ?? "", "state": f.state.rawValue, "reviewed": f.reviewed ? "on" : "",
                     "notes": f.notes ?? "", "version": String(key.version)],
            dependents: f.dependents.map(\.description)))
    }

    func updateKey(req: Request) async throws -> Response {
        let key = try await req.inheritedKeyParameter()
        let pairs = FormPairs.parse(req)
        var values = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let dependents = pairs.filter { $0.0 == "dependents" }.map(\.1)
        do {
            let fields = try await Self.validateKey(req, values, dependents)
            _ = try await req.store.inheritedKeys.update(key.id, to: fields, expectedVersion: try VersionInput.form(values["version"]), by: req.actor, at: req.now)
            return req.redirect(to: .inheritedKeys, flash: "Inherited key “\(fields.name)” saved.")
        } catch let error as DomainError {
            if case .staleVersion = error { values["version"] = String(key.version) }
            await ConflictNotice.note(error, on: req, entityType: "inherited_key", entityID: key.id.description)
            let mapped = ErrorMapping.map(error)
            return try await req.page("keys/form", try await keyForm(req, heading: "Edit \(key.fields.name)", action: SiteURL.inheritedKey(key.id).path,
                                                                      values: values, dependents: dependents, error: mapped), status: mapped.status)
        }
    }

    static func validateKey(_ req: Request, _ values: [String: String], _ dependents: [String]) async throws -> InheritedKeyFields {
        try InheritedKeyFields.validate(name: values["name"], vendor: values["vendor"], canvasKeyID: values["canvasKeyID"], state: values["state"],
                                        dependents: dependents, reviewed: values["reviewed"], notes: values["notes"],
                                        known: Set(try await req.store.integrations.names().keys))
    }

    private func keyForm(_ req: Request, heading: String, action: String, values: [String: String], dependents: [String], error: ErrorMapping? = nil) async throws -> InheritedKeyFormContext {
        let names = try await req.store.integrations.names()
        return InheritedKeyFormContext(
            layout: LayoutContext(req, title: heading), heading: heading, action: action, values: values,
            stateOptions: options(InheritedKeyState.self, selected: values["state"], label: \.label),
            integrationOptions: names.sorted { $0.value < $1.value }.map { SelectOption(value: $0.key.description, label: $0.value, selected: dependents.contains($0.key.description)) },
            reviewed: ["on", "yes", "true"].contains((values["reviewed"] ?? "").lowercased()),
            errors: error?.fields ?? [:], formError: error?.formMessage)
    }

    // MARK: Token register

    func register(req: Request) async throws -> Response {
        try await req.page("tokens/register", try await registerContext(req))
    }

    func addToken(req: Request) async throws -> Response {
        let form = try req.form(RegisteredTokenForm.self)
        do {
            let fields = try RegisteredTokenFields.validate(holder: form.holder, role: form.role, purpose: form.purpose, createdOn: form.createdOn,
                                                            expiresOn: form.expiresOn, lastUsedOn: form.lastUsedOn, integrationID: form.integrationID)
            let ids = req.context.services.ids
            _ = try await req.store.tokenRegister.add([fields], source: "form", by: req.actor, at: req.now, ids: { ids() })
            return req.redirect(to: .tokenRegister, flash: "Token of \(fields.holder) recorded.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("tokens/register", try await registerContext(req, values: form.values, error: mapped), status: mapped.status)
        }
    }

    func importTokens(req: Request) async throws -> Response {
        do {
            guard let file = try req.form(FileUploadForm.self).file, file.data.readableBytes > 0 else {
                throw DomainError.validation(ValidationErrors(["file": "Choose a CSV file."]))
            }
            guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes) else {
                throw DomainError.validation(ValidationErrors(["file": "The file is not UTF-8 text."]))
            }
            var byName: [String: Integration.ID] = [:]
            for (id, name) in try await req.store.integrations.names() { byName[name] = id; byName[id.description] = id }
            for integration in byName.values {
                for release in try await req.store.releases.list(integration) {
                    if let key = release.details?.canvasKeyID { byName[key] = integration }
                }
            }
            let entries = try TokenCSV.parse(text, integrations: byName)
            let ids = req.context.services.ids
            let count = try await req.store.tokenRegister.add(entries, source: "CSV \(DocumentCheck.cleanName(file.filename))", by: req.actor, at: req.now, ids: { ids() })
            return req.redirect(to: .tokenRegister, flash: "Imported \(count) token\(count == 1 ? "" : "s").")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("tokens/register", try await registerContext(req, error: mapped), status: mapped.status)
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        let form = try req.form(RevocationForm.self)
        do {
            guard let id = req.parameters.get("entryID").flatMap(RegisteredToken.ID.init(string:)) else { throw DomainError.notFound(entity: "token") }
            let note = Check.trimmed(form.note)
            if note.isEmpty { throw DomainError.validation(ValidationErrors(["note": "Say why and how it was revoked (for the audit trail)."])) }
            try await req.store.tokenRegister.revoke(id, note: String(note.prefix(1000)), on: CalendarDay.of(req.now), by: req.actor, at: req.now)
            return req.redirect(to: .tokenRegister, flash: "Revocation recorded.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("tokens/register", try await registerContext(req, error: mapped), status: mapped.status)
        }
    }

    private func registerContext(_ req: Request, values: [String: String] = [:], error: ErrorMapping? = nil) async throws -> TokenRegisterContext {
        let policy = req.context.policy
        let tokens = try await req.store.tokenRegister.list()
        let names = try await req.store.integrations.names()
        let canEdit = Access.editors.allows(req.currentUser?.role)
        let rows = tokens.map { token -> TokenRegisterContext.Row in
            let f = token.fields
            let violations = TokenPolicy.violations(token, policy: policy)
            return .init(holder: f.holder, role: f.role.label, purpose: f.purpose ?? "—", created: f.createdOn, expires: f.expiresOn ?? "never",
                         lastUsed: f.lastUsedOn ?? "—", integration: f.integrationID.flatMap { names[$0] } ?? (f.developerKeyID.map { "key \($0)" } ?? "—"),
                         state: token.isRevoked ? "revoked" : "active", violations: violations.nonEmpty, recommendation: TokenPolicy.recommendation(token),
                         revokeURL: canEdit && !token.isRevoked ? SiteURL.revokeRegisteredToken(token.id).path : nil,
                         revoked: token.revokedOn.map { "Revoked \($0) by \(token.revokedBy ?? "") — \(token.revocationNote ?? "")" })
        }
        let holders: String
        switch policy.tokenHolders {
        case .adminsOnly: holders = "only admins (and service accounts) may hold tokens"
        case .everyoneButStudents: holders = "anyone but students may hold tokens"
        case .everyone: holders = "anyone may hold a token"
        }
        return TokenRegisterContext(
            layout: LayoutContext(req, title: "User access token register"), rows: rows.nonEmpty,
            violationCount: rows.filter { $0.violations != nil }.count,
            policy: "Policy: \(holders); " + (policy.tokenPurposeRequired ? "a purpose is always required; " : "")
                + "student tokens expire within \(policy.studentTokenMaxDays) days.",
            canEdit: canEdit, addURL: SiteURL.tokenRegister.path, importURL: SiteURL.tokenRegisterImport.path,
            roleOptions: options(TokenHolderRole.self, selected: values["role"] ?? "service_account", label: \.label),
            integrationOptions: [SelectOption(value: "", label: "None", selected: (values["integrationID"] ?? "").isEmpty)]
                + names.sorted { $0.value < $1.value }.map { SelectOption(value: $0.key.description, label: $0.value, selected: values["integrationID"] == $0.key.description) },
            values: values, errors: error?.fields ?? [:], formError: error.map { $0.fields["file"] ?? $0.formMessage })
    }
}

extension Request {
    func inheritedKeyParameter() async throws -> InheritedKey { try await record("keyID", "inherited key", store.inheritedKeys.find) }
}
