import Domain
import Operations
import Persistence
import Vapor

struct IntegrationAPIController: Sendable {
    func index(req: Request) async throws -> IntegrationListJSON {
        let input = try req.query.decode(IntegrationListQuery.self)
        var errors = ValidationErrors()
        if let s = input.status, !s.isEmpty, IntegrationStatus(rawValue: s) == nil { errors.add("status", "Unknown status “\(s)”.") }
        if let k = input.kind, !k.isEmpty, IntegrationKind(rawValue: k) == nil { errors.add("kind", "Unknown kind “\(k)”.") }
        if let r = input.risk, !r.isEmpty, input.query.risk == nil { errors.add("risk", "Risk is low, medium or high.") }
        if let v = input.vendor, input.query.vendorID == nil { errors.add("vendor", v.isEmpty ? "Leave vendor out, or give a vendor id." : "Not a vendor id.") }
        PageRequest.check(page: input.page, size: input.per_page, errors: &errors)
        try errors.throwIfAny()
        let page = try await req.store.integrations.list(input.query)
        return IntegrationListJSON(items: page.items.map(IntegrationJSON.init), page: page.request.page, perPage: page.request.size, total: page.total)
    }

    func show(req: Request) async throws -> IntegrationJSON {
        IntegrationJSON(try await req.integrationParameter())
    }

    func create(req: Request) async throws -> Response {
        let body = try req.content.decode(IntegrationPatchJSON.self)
        guard let vendorID = body.vendorID.flatMap(Vendor.ID.init(string:)) else {
            throw DomainError.validation(ValidationErrors(["vendorID": "vendorID is required: the vendor's id."]))
        }
        let fields = try IntegrationFields.validate(
            name: body.name, kind: body.kind, installLevel: body.installLevel, subAccountName: body.subAccountName, purpose: body.purpose,
            classification: body.classification, sendsDataToAI: body.sendsDataToAI.map { $0 ? "yes" : "no" }, aiServices: body.aiServices,
            aiData: body.aiData, ownerID: body.ownerID, nextReviewOn: body.nextReviewOn)
        let created = try await req.store.integrations.create(fields, vendorID: vendorID, id: req.context.services.ids(), by: req.actor, at: req.now)
        let response = try await IntegrationJSON(created).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/integrations/\(created.id)")
        return response
    }

    func update(req: Request) async throws -> IntegrationJSON {
        let integration = try await req.integrationParameter()
        let body = try req.content.decode(IntegrationPatchJSON.self)
        let version = try VersionInput.api(body.version)
        let f = integration.fields
        let fields = try IntegrationFields.validate(
            name: body.name ?? f.name, kind: body.kind ?? f.kind.rawValue, installLevel: body.installLevel ?? f.installLevel.rawValue,
            subAccountName: body.subAccountName ?? f.subAccountName, purpose: body.purpose ?? f.purpose,
            classification: body.classification ?? f.classification.rawValue,
            sendsDataToAI: (body.sendsDataToAI ?? f.sendsDataToAI) ? "yes" : "no", aiServices: body.aiServices ?? f.aiServices,
            aiData: body.aiData ?? f.aiData, ownerID: body.ownerID ?? f.ownerID?.description, nextReviewOn: body.nextReviewOn ?? f.nextReviewOn)
        let saved = try await req.store.integrations.update(integration.id, to: fields, expectedVersion: version, by: req.actor, at: req.now)
        await req.operations.gateWatch.recheck(saved.id, after: "the integration record changed")
        return IntegrationJSON(saved)
    }

    func perform(req: Request) async throws -> IntegrationJSON {
        let integration = try await req.integrationParameter()
        let body = try req.content.decode(ActionJSON.self)
        var errors = ValidationErrors()
        if body.action.flatMap(IntegrationAction.init(rawValue:)) == nil {
            errors.add("action", "One of: \(IntegrationAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if body.version == nil { errors.add("version", "version is required: send the version you last read.") }
        try errors.throwIfAny()
        return IntegrationJSON(try await req.operations.statuses.perform(body.action, note: body.note, on: integration, expectedVersion: body.version!, by: req.actor))
    }

    func dataMap(req: Request) async throws -> DataMapJSON {
        let integration = try await req.integrationParameter()
        let reading = try await req.operations.dataMaps.reading(for: integration)
        return DataMapJSON(reading, contradictions: try await req.operations.dataMaps.contradictions(for: integration, reading: reading))
    }

    func whitelist(req: Request) async throws -> WhitelistJSON {
        let integration = try await req.integrationParameter()
        let version = try await req.store.integrations.whitelist(integration.id, version: nil)
        return WhitelistJSON(version, exported: try await req.inCanvasText(version))
    }

    func saveWhitelist(req: Request) async throws -> WhitelistJSON {
        let integration = try await req.integrationParameter()
        let body = try req.content.decode(WhitelistPutJSON.self)
        let expected = try VersionInput.api(body.version, hint: "the whitelist version you last read (0 for none).")
        let declarations = (body.entries ?? []).map {
            EndpointDeclaration(method: $0.method ?? "", path: $0.path ?? "", justification: $0.justification ?? "")
        }
        return WhitelistJSON(try await req.operations.whitelists.save(declarations, for: integration, expectedVersion: expected, by: req.actor))
    }

    func diff(req: Request) async throws -> WhitelistDiffJSON {
        let integration = try await req.integrationParameter()
        var errors = ValidationErrors()
        for name in ["from", "to"] {
            let least = name == "from" ? 0 : 1
            if let raw = try? req.query.get(String.self, at: name), Int(raw).map({ $0 >= least }) != true { errors.add(name, "\(name) must be a version number (\(least) or more).") }
        }
        try errors.throwIfAny()
        let (from, to, diff) = try await req.requestedDiff(integration)
        return WhitelistDiffJSON(from: from, to: to, added: diff.added.map(\.key), removed: diff.removed.map(\.key),
                                 justificationChanged: diff.justificationChanged.map { .init(endpoint: $0.key, before: $0.before, after: $0.after) })
    }
}
