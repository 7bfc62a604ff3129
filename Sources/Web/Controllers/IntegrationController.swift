import Domain
import Operations
import Persistence
import Vapor

/// Integration pages: list, create (from a vendor), detail with status actions, edit, and the
/// endpoint whitelist editor with versions, diffs and scope exports.
struct IntegrationController: Sendable {
    // MARK: List and detail

    func index(req: Request) async throws -> Response {
        let input = try req.query.decode(IntegrationListQuery.self)
        let query = input.pageQuery
        let page = try await req.store.integrations.list(query)
        var vendorIDs = Set(page.items.map(\.vendorID))
        if let chosen = query.vendorID { vendorIDs.insert(chosen) }
        let names = try await req.store.vendors.names(vendorIDs)
        let base = input.linkParameters
        return try await req.page("integrations/index", IntegrationListContext(
            layout: LayoutContext(req, title: "Integrations"),
            rows: page.items.map { IntegrationRow($0, vendor: names[$0.vendorID] ?? "—") },
            search: query.search ?? "",
            statusOptions: [SelectOption(value: "", label: "Any status", selected: query.status == nil)]
                + options(IntegrationStatus.self, selected: query.status?.rawValue, label: \.label),
            kindOptions: [SelectOption(value: "", label: "Any kind", selected: query.kind == nil)]
                + options(IntegrationKind.self, selected: query.kind?.rawValue, label: \.label),
            riskOptions: [SelectOption(value: "", label: "Any risk", selected: query.risk == nil)]
                + RiskLevel.allCases.reversed().map { SelectOption(value: $0.description, label: $0.description.capitalized, selected: $0 == query.risk) },
            vendor: query.vendorID.flatMap { names[$0] } ?? query.vendorName ?? "",
            pager: PagerContext(page, link: { SiteURL.integrations(query: base.merging(["page": String($0)]) { $1 }).path }, noun: "integrations")))
    }

    func show(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        if let stashed = req.takeReveal(for: SiteURL.integration(integration.id).path), let link = NewAnswerLink(stashed: stashed) {
            return try await IntegrationPage.render(req, integration, .linkCreated(link))
        }
        return try await IntegrationPage.render(req, integration)
    }

    // MARK: Create and edit

    func new(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        // "Start an integration from this" on the Canvas page carries the Canvas object's name and kind.
        let name = (try? req.query.get(String.self, at: "name")).map { String($0.prefix(200)) }
        let kind = (try? req.query.get(String.self, at: "kind")).flatMap(IntegrationKind.init(rawValue:)) ?? .lti13
        return try await req.page("integrations/form", try await formContext(req, vendor: vendor, integration: nil,
            form: IntegrationForm(name: name, kind: kind.rawValue, installLevel: kind == .lti13 ? InstallLevel.course.rawValue : InstallLevel.rootAccount.rawValue,
                                  classification: DataClassification.restricted.rawValue, sendsDataToAI: "no")))
    }

    func create(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        let form = try req.form(IntegrationForm.self)
        do {
            let integration = try await req.store.integrations.create(
                try form.validated(), vendorID: vendor.id, id: req.context.services.ids(), by: req.actor, at: req.now)
            return req.redirect(to: .integration(integration.id), flash: "Integration “\(integration.fields.name)” created as a draft. Next: declare its endpoints.")
        } catch let error as DomainError {
            return try await req.page("integrations/form", try await formContext(req, vendor: vendor, integration: nil, form: form, error: error),
                                      status: ErrorMapping.map(error).status)
        }
    }

    func edit(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let vendor = try await vendorOf(req, integration)
        return try await req.page("integrations/form", try await formContext(req, vendor: vendor, integration: integration, form: IntegrationForm(integration)))
    }

    func update(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let vendor = try await vendorOf(req, integration)
        var form = try req.form(IntegrationForm.self)
        do {
            let version = try VersionInput.form(form.version)
            let saved = try await req.store.integrations.update(integration.id, to: try form.validated(), expectedVersion: version, by: req.actor, at: req.now)
            await req.operations.gateWatch.recheck(saved.id, after: "the integration record changed")
            return req.redirect(to: .integration(saved.id), flash: "Integration saved.")
        } catch let error as DomainError {
            if case .staleVersion = error { form.version = String(integration.version) }
            await ConflictNotice.note(error, on: req, entityType: "integration", entityID: integration.id.description)
            return try await req.page("integrations/form", try await formContext(req, vendor: vendor, integration: integration, form: form, error: error),
                                      status: ErrorMapping.map(error).status)
        }
    }

    /// Status changes are explicit actions, never a free choice of status.
    func perform(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(ActionForm.self)
        do {
            let version = try VersionInput.form(form.version)
            let saved = try await req.operations.statuses.perform(form.action, note: form.note, on: integration, expectedVersion: version, by: req.actor)
            let label = form.action.flatMap(IntegrationAction.init(rawValue:))?.label ?? "Done"
            return req.redirect(to: .integration(saved.id), flash: "\(label): the integration is now \(saved.status.label.lowercased()).")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            let errors = mapped.fields.isEmpty ? ["action": mapped.message] : mapped.fields
            return try await IntegrationPage.render(req, integration, .statusFailed(errors: errors), status: mapped.status)
        }
    }

    // MARK: Whitelist

    func whitelist(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let current = try await req.store.integrations.whitelist(integration.id, version: nil)
        return try await req.page("integrations/whitelist", try await whitelistContext(
            req, integration, current: current, editorText: current.map { Whitelist.text($0.entries) } ?? ""))
    }

    func saveWhitelist(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let form = try req.form(WhitelistForm.self)
        let text = form.entries ?? ""
        do {
            let expected = try VersionInput.form(form.whitelistVersion)
            let declarations = Whitelist.declarations(fromText: text)
            let saved = try await req.operations.whitelists.save(declarations, for: integration, expectedVersion: expected, by: req.actor)
            let risk = saved.summary.overallRisk.map { " Overall risk: \($0)." } ?? ""
            let renamed = Whitelist.renamedCount(declarations, saved: saved.entries)
            let rewritten = renamed == 0 ? "" : " \(renamed) path(s) named parameters otherwise than Canvas and are kept as Canvas writes them."
            return req.redirect(to: .whitelist(integration.id), flash: "Endpoint whitelist saved as version \(saved.number).\(risk)\(rewritten)")
        } catch let error as DomainError {
            let current = try await req.store.integrations.whitelist(integration.id, version: nil)
            let mapped = ErrorMapping.map(error)
            return try await req.page("integrations/whitelist", try await whitelistContext(
                req, integration, current: current, editorText: text, errors: mapped.fields,
                formError: mapped.fields.isEmpty ? mapped.message : "Nothing was saved: fix the lines below."), status: mapped.status)
        }
    }

    func diff(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let (from, to, diff) = try await req.requestedDiff(integration)
        return try await req.page("integrations/diff", WhitelistDiffContext(
            layout: LayoutContext(req, title: "Whitelist changes"), integration: integration.fields.name,
            whitelistURL: SiteURL.whitelist(integration.id).path, from: from, to: to,
            added: diff.added.map { .init(key: $0.key, justification: $0.justification) }.nonEmpty,
            removed: diff.removed.map { .init(key: $0.key, justification: $0.justification) }.nonEmpty,
            changed: diff.justificationChanged.map { .init(key: $0.key, before: $0.before, after: $0.after) }.nonEmpty,
            isEmpty: diff.isEmpty))
    }

    /// Plain-text downloads of the current version's exports.
    func scopes(req: Request) async throws -> Response {
        let (integration, current) = try await currentWhitelist(req)
        let canvas = current.inCanvasText(try await req.operations.catalog.matcher())
        return download(canvas.scopeLines.joined(separator: "\n") + "\n", type: .plainText, name: "\(slug(integration))-scopes.txt")
    }

    func developerKey(req: Request) async throws -> Response {
        let (integration, current) = try await currentWhitelist(req)
        let canvas = current.inCanvasText(try await req.operations.catalog.matcher())
        return download(canvas.developerKeyJSON + "\n", type: .json, name: "\(slug(integration))-developer-key.json")
    }

    // MARK: Helpers

    private func currentWhitelist(_ req: Request) async throws -> (Integration, WhitelistVersion) {
        let integration = try await req.integrationParameter()
        guard let current = try await req.store.integrations.whitelist(integration.id, version: nil) else {
            throw DomainError.notFound(entity: "endpoint whitelist")
        }
        return (integration, current)
    }

    private func download(_ text: String, type: HTTPMediaType, name: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = type
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    private func slug(_ integration: Integration) -> String {
        let allowed = integration.fields.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(allowed).split(separator: "-").joined(separator: "-").prefix(60).description
    }




    private func vendorOf(_ req: Request, _ integration: Integration) async throws -> Vendor {
        guard let vendor = try await req.store.vendors.find(integration.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        return vendor
    }

    private func formContext(
        _ req: Request, vendor: Vendor, integration: Integration?, form: IntegrationForm, error: DomainError? = nil
    ) async throws -> IntegrationFormContext {
        let users = try await req.store.users.list().filter(\.isActive)
        let mapped = error.map(ErrorMapping.map)
        let errors = mapped?.fields ?? [:]
        let heading = integration.map { "Edit \($0.fields.name)" } ?? "New integration for \(vendor.name)"
        return IntegrationFormContext(
            layout: LayoutContext(req, title: heading), heading: heading, vendorName: vendor.name,
            action: integration.map { SiteURL.integration($0.id).path } ?? SiteURL.vendorIntegrations(vendor.id).path,
            cancelURL: integration.map { SiteURL.integration($0.id).path } ?? SiteURL.vendor(vendor.id).path,
            form: .init(name: form.name ?? "", subAccountName: form.subAccountName ?? "", purpose: form.purpose ?? "",
                        aiServices: form.aiServices ?? "", aiData: form.aiData ?? "", nextReviewOn: form.nextReviewOn ?? "",
                        version: form.version ?? ""),
            kindOptions: options(IntegrationKind.self, selected: form.kind, label: \.label),
            levelOptions: options(InstallLevel.self, selected: form.installLevel, label: \.label),
            classificationOptions: options(DataClassification.self, selected: form.classification, label: \.label),
            ownerOptions: [SelectOption(value: "", label: "Not set yet", selected: (form.ownerID ?? "").isEmpty)]
                + users.map { SelectOption(value: $0.id.description, label: "\($0.name) (\($0.email))", selected: $0.id.description == form.ownerID) },
            aiYes: ["yes", "true", "on"].contains((form.sendsDataToAI ?? "").lowercased()),
            errors: errors,
            formError: mapped?.formMessage)
    }

    private func whitelistContext(
        _ req: Request, _ integration: Integration, current: WhitelistVersion?, editorText: String,
        errors: [String: String] = [:], formError: String? = nil
    ) async throws -> WhitelistPageContext {
        let versions = try await req.store.integrations.whitelistVersions(integration.id)
        let acceptance = try await req.store.integrations.whitelistAcceptance(integration.id)
        let summary = current?.summary
        let exported = try await req.inCanvasText(current)
        return WhitelistPageContext(
            layout: LayoutContext(req, title: "Endpoints — \(integration.fields.name)"), integration: integration.fields.name,
            integrationURL: SiteURL.integration(integration.id).path, versionNumber: integration.whitelistVersion,
            rows: (current?.entries ?? []).map {
                WhitelistEntryRow(method: $0.verb.rawValue, template: $0.template, justification: $0.justification, access: $0.access.rawValue,
                                  group: $0.group, kinds: $0.kinds.sorted().map(\.label).joined(separator: ", "), risk: $0.risk.description)
            }.nonEmpty,
            overallRisk: summary?.overallRisk?.description ?? "not declared", overallRiskKey: summary?.overallRisk?.description ?? "none",
            sentence: summary?.sentence ?? "No endpoints declared yet.",
            kinds: (summary?.kinds ?? []).map { .init(label: $0.kind.label, reads: $0.reads, writes: $0.writes) }.nonEmpty,
            scopes: exported?.scopeLines.joined(separator: "\n") ?? "", developerKey: exported?.developerKeyJSON ?? "",
            scopesURL: SiteURL.whitelistScopes(integration.id).path, developerKeyURL: SiteURL.whitelistDeveloperKey(integration.id).path,
            versions: versions.map {
                .init(number: $0.number, created: Format.dateTime($0.createdAt), by: $0.createdBy, count: $0.entries.count,
                      diffURL: SiteURL.whitelistDiff(integration.id, from: $0.number - 1, to: $0.number).path)
            }.nonEmpty,
            canEdit: Access.editors.allows(req.currentUser?.role), editorText: editorText,
            accepted: acceptance.flatMap { $0.version == integration.whitelistVersion ? "Version \($0.version) accepted by \($0.acceptedBy), \(Format.dateTime($0.acceptedAt))." : nil },
            canAccept: Access.reviewers.allows(req.currentUser?.role) && current != nil && acceptance?.version != integration.whitelistVersion
                && req.currentUser?.id != integration.fields.ownerID,
            acceptURL: SiteURL.acceptWhitelist(integration.id).path,
            errors: errors, errorLines: errors.sorted { lineOrder($0.key, $1.key) }.map { "\($0.key): \($0.value)" }.nonEmpty, formError: formError)
    }

    private func lineOrder(_ a: String, _ b: String) -> Bool {
        let x = Int(a.split(separator: " ").last ?? "") ?? 0, y = Int(b.split(separator: " ").last ?? "") ?? 0
        return x != y ? x < y : a < b
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
