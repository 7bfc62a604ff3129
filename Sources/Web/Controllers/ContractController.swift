import Domain
import Operations
import Persistence
import Vapor

/// Contracts per vendor: the clauses a Canvas review needs, and their signed documents.
struct ContractController: Sendable {
    func index(req: Request) async throws -> Response {
        let input = try req.query.decode(ContractListInput.self)
        let query = input.pageQuery
        let page = try await req.store.contracts.list(query)
        var vendorIDs = Set(page.items.map(\.vendorID))
        if let chosen = query.vendorID { vendorIDs.insert(chosen) }
        let names = try await req.store.vendors.names(vendorIDs)
        let base = input.linkParameters
        return try await req.page("contracts/index", ContractListContext(
            layout: LayoutContext(req, title: "Contracts"),
            rows: page.items.map { ContractRow($0, vendor: names[$0.vendorID] ?? "—") }, search: query.search ?? "",
            statusOptions: [SelectOption(value: "", label: "Any status", selected: query.status == nil)]
                + options(ContractStatus.self, selected: query.status?.rawValue, label: \.label),
            kindOptions: [SelectOption(value: "", label: "Any kind", selected: query.kind == nil)]
                + options(ContractKind.self, selected: query.kind?.rawValue, label: \.label),
            vendor: query.vendorID.flatMap { names[$0] } ?? query.vendorName ?? "",
            pager: PagerContext(page, link: { SiteURL.contracts(query: base.merging(["page": String($0)]) { $1 }).path }, noun: "contracts")))
    }

    func show(req: Request) async throws -> Response {
        try await req.page("contracts/show", try await detail(req, try await req.contractParameter()))
    }

    func new(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        return try await req.page("contracts/form", form(req, heading: "New contract with \(vendor.name)", action: SiteURL.vendorContracts(vendor.id).path,
                                                          cancel: SiteURL.vendor(vendor.id).path, input: ContractForm(kind: .masterAgreement, status: .draft).values))
    }

    func create(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        let input = try req.form(ContractForm.self)
        do {
            let contract = try await req.store.contracts.create(try input.validated(), vendorID: vendor.id, id: req.context.services.ids(), by: req.actor, at: req.now)
            await req.operations.gateWatch.recheck(vendor: vendor.id, after: "a contract was added")
            return req.redirect(to: .contract(contract.id), flash: "Contract “\(contract.fields.title)” saved. Attach the signed document below.")
        } catch let error as DomainError {
            return try await req.page("contracts/form", form(req, heading: "New contract with \(vendor.name)", action: SiteURL.vendorContracts(vendor.id).path,
                                                              cancel: SiteURL.vendor(vendor.id).path, input: input.values, error: error), status: ErrorMapping.map(error).status)
        }
    }

    func edit(req: Request) async throws -> Response {
        let contract = try await req.contractParameter()
        return try await req.page("contracts/form", form(req, heading: "Edit \(contract.fields.title)", action: SiteURL.contract(contract.id).path,
                                                          cancel: SiteURL.contract(contract.id).path, input: ContractForm(contract).values))
    }

    func update(req: Request) async throws -> Response {
        let contract = try await req.contractParameter()
        var input = try req.form(ContractForm.self)
        do {
            let version = try VersionInput.form(input.version)
            let saved = try await req.store.contracts.update(contract.id, to: try input.validated(), expectedVersion: version, by: req.actor, at: req.now)
            await req.operations.gateWatch.recheck(vendor: saved.vendorID, after: "contract “\(saved.fields.title)” changed")
            return req.redirect(to: .contract(saved.id), flash: "Contract saved.")
        } catch let error as DomainError {
            if case .staleVersion = error { input.version = String(contract.version) }
            await ConflictNotice.note(error, on: req, entityType: "contract", entityID: contract.id.description)
            return try await req.page("contracts/form", form(req, heading: "Edit \(contract.fields.title)", action: SiteURL.contract(contract.id).path,
                                                              cancel: SiteURL.contract(contract.id).path, input: input.values, error: error), status: ErrorMapping.map(error).status)
        }
    }

    func upload(req: Request) async throws -> Response {
        let contract = try await req.contractParameter()
        let upload = try req.form(FileUploadForm.self)
        do {
            guard let file = upload.file, !file.filename.isEmpty else {
                throw DomainError.validation(ValidationErrors(["file": "Choose a file to attach."]))
            }
            let bytes = [UInt8](file.data.readableBytesView)
            let name = DocumentCheck.cleanName(file.filename)
            let type = try DocumentCheck.detect(filename: name, bytes: bytes, maxBytes: req.context.config.maxDocumentBytes)
            let document = ContractDocument(
                id: req.context.services.ids(), contractID: contract.id, filename: name, type: type, size: bytes.count,
                sha256: DocumentCheck.sha256(bytes), uploadedBy: req.actor.label, uploadedAt: req.now)
            try await req.store.contracts.attach(document, bytes: bytes, by: req.actor)
            return req.redirect(to: .contract(contract.id), flash: "Attached “\(name)”.")
        } catch let error as DomainError {
            let mapped = ErrorMapping.map(error)
            return try await req.page("contracts/show", try await detail(req, contract, uploadError: mapped.fields["file"] ?? mapped.message), status: mapped.status)
        }
    }

    /// Always a download: never rendered inline, and sandboxed should a browser try.
    func download(req: Request) async throws -> Response {
        try await Response.contractDocument(req)
    }

    /// A stored document as a download: never rendered inline, and sandboxed should a browser try.


    // MARK: Helpers



    private func form(_ req: Request, heading: String, action: String, cancel: String, input: [String: String], error: DomainError? = nil) -> ContractFormContext {
        let mapped = error.map(ErrorMapping.map)
        return ContractFormContext(
            layout: LayoutContext(req, title: heading), heading: heading, action: action, cancelURL: cancel,
            values: .init(title: input["title"] ?? "", signedOn: input["signedOn"] ?? "", startsOn: input["startsOn"] ?? "", endsOn: input["endsOn"] ?? "",
                          noticeDays: input["noticeDays"] ?? "", breachNotificationHours: input["breachNotificationHours"] ?? "", version: input["version"] ?? ""),
            kindOptions: options(ContractKind.self, selected: input["kind"], label: \.label),
            statusOptions: options(ContractStatus.self, selected: input["status"], label: \.label),
            clauses: ClauseKind.allCases.map {
                ClauseRow(key: $0.rawValue, label: $0.label, present: ["on", "yes", "true"].contains((input["clause_\($0.rawValue)"] ?? "").lowercased()),
                          reference: input["ref_\($0.rawValue)"] ?? "")
            },
            exhibitBRecorded: ["on", "yes", "true"].contains((input["exhibitBRecorded"] ?? "").lowercased()),
            exhibitB: ExhibitBCategory.all(checked: Set((input["exhibitB"] ?? "").split(separator: ",").map(String.init))),
            errors: mapped?.fields ?? [:],
            formError: mapped?.formMessage)
    }

    private func detail(_ req: Request, _ contract: Contract, uploadError: String? = nil) async throws -> ContractDetailContext {
        guard let vendor = try await req.store.vendors.find(contract.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        let documents = try await req.store.contracts.documents(contract.id)
        let f = contract.fields
        let role = req.currentUser?.role
        return ContractDetailContext(
            layout: LayoutContext(req, title: f.title), title: f.title, vendor: vendor.name, vendorURL: SiteURL.vendor(vendor.id).path,
            kind: f.kind.label, status: f.status.label, statusKey: f.status.rawValue,
            dates: [
                .init(label: "Signed", value: f.signedOn ?? "—"), .init(label: "Starts", value: f.startsOn ?? "—"),
                .init(label: "Ends", value: f.endsOn ?? "—"), .init(label: "Notice period", value: f.noticeDays.map { "\($0) days" } ?? "—"),
            ],
            clauses: ClauseKind.allCases.map {
                let clause = f.clause($0)
                let reference = (clause.reference ?? "") + ($0 == .breachNotification && clause.present ? f.breachNotificationHours.map { " — within \($0) hours" } ?? "" : "")
                return ClauseRow(key: $0.rawValue, label: $0.label, present: clause.present, reference: reference)
            },
            documents: documents.map {
                .init(filename: $0.filename, url: SiteURL.contractDocument(contract.id, $0.id).path, size: DocumentCheck.megabytes($0.size),
                      sha256: $0.sha256, uploaded: "\(Format.dateTime($0.uploadedAt)) by \($0.uploadedBy)")
            }.nonEmpty,
            exhibitB: f.exhibitB.map { listed in
                listed.isEmpty ? ["None: the agreement lists no data."] : ExhibitB.elements.filter { listed.contains($0.id) }.map { "\($0.category): \($0.label)" }
            },
            canEdit: Access.editors.allows(role), editURL: SiteURL.editContract(contract.id).path,
            uploadURL: SiteURL.contractDocuments(contract.id).path, maxSize: DocumentCheck.megabytes(req.context.config.maxDocumentBytes),
            uploadError: uploadError,
            historyURL: Access.auditTrail.allows(role) ? SiteURL.audit(query: ["entityType": "contract", "entityID": contract.id.description]).path : nil)
    }

}

