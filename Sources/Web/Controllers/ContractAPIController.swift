import Domain
import Operations
import Persistence
import Vapor

struct ContractAPIController: Sendable {
    func index(req: Request) async throws -> ContractListJSON {
        let input = try req.query.decode(ContractListInput.self)
        var errors = ValidationErrors()
        if let s = input.status, !s.isEmpty, ContractStatus(rawValue: s) == nil { errors.add("status", "Unknown status “\(s)”.") }
        if let k = input.kind, !k.isEmpty, ContractKind(rawValue: k) == nil { errors.add("kind", "Unknown kind “\(k)”.") }
        if let v = input.vendor, input.query.vendorID == nil { errors.add("vendor", v.isEmpty ? "Leave vendor out, or give a vendor id." : "Not a vendor id.") }
        PageRequest.check(page: input.page, size: input.per_page, errors: &errors)
        try errors.throwIfAny()
        let page = try await req.store.contracts.list(input.query)
        return ContractListJSON(items: page.items.map(ContractJSON.init), page: page.request.page, perPage: page.request.size, total: page.total)
    }

    func show(req: Request) async throws -> ContractJSON { ContractJSON(try await req.contractParameter()) }

    func create(req: Request) async throws -> Response {
        let body = try req.content.decode(ContractBodyJSON.self)
        guard let vendorID = body.vendorID.flatMap(Vendor.ID.init(string:)) else {
            throw DomainError.validation(ValidationErrors(["vendorID": "vendorID is required: the vendor's id."]))
        }
        let contract = try await req.store.contracts.create(try fields(body, current: nil), vendorID: vendorID, id: req.context.services.ids(), by: req.actor, at: req.now)
        let response = try await ContractJSON(contract).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/contracts/\(contract.id)")
        return response
    }

    func update(req: Request) async throws -> ContractJSON {
        let contract = try await req.contractParameter()
        let body = try req.content.decode(ContractBodyJSON.self)
        let version = try VersionInput.api(body.version)
        let saved = try await req.store.contracts.update(contract.id, to: try fields(body, current: contract.fields), expectedVersion: version, by: req.actor, at: req.now)
        await req.operations.gateWatch.recheck(vendor: saved.vendorID, after: "contract “\(saved.fields.title)” changed")
        return ContractJSON(saved)
    }

    func documents(req: Request) async throws -> [DocumentJSON] {
        let contract = try await req.contractParameter()
        return try await req.store.contracts.documents(contract.id).map {
            DocumentJSON(id: $0.id.description, filename: $0.filename, type: $0.type.rawValue, size: $0.size, sha256: $0.sha256,
                         uploadedBy: $0.uploadedBy, uploadedAt: Format.iso($0.uploadedAt), download: "/api/v1/contracts/\(contract.id)/documents/\($0.id)")
        }
    }

    func download(req: Request) async throws -> Response {
        try await Response.contractDocument(req)
    }

    /// Absent fields keep their current value (PATCH) or are empty (POST).
    private func fields(_ body: ContractBodyJSON, current: ContractFields?) throws -> ContractFields {
        var clauses: [ClauseKind: ContractFields.ClauseInput] = [:]
        for kind in ClauseKind.allCases {
            let existing = current?.clause(kind)
            let given = body.clauses?[kind.rawValue]
            clauses[kind] = .init(present: given?.present ?? existing?.present ?? false, reference: given?.reference ?? existing?.reference)
        }
        return try ContractFields.validate(
            title: body.title ?? current?.title, kind: body.kind ?? current?.kind.rawValue, status: body.status ?? current?.status.rawValue,
            signedOn: body.signedOn ?? current?.signedOn, startsOn: body.startsOn ?? current?.startsOn, endsOn: body.endsOn ?? current?.endsOn,
            noticeDays: (body.noticeDays ?? current?.noticeDays).map(String.init),
            breachNotificationHours: (body.breachNotificationHours ?? current?.breachNotificationHours).map(String.init), clauses: clauses,
            exhibitB: body.exhibitB.map { Array($0.prefix(200)) } ?? current?.exhibitB.map { Array($0) })
    }
}
