import Domain
import Operations
import Persistence
import Vapor

struct VendorController: Sendable {
    func index(req: Request) async throws -> Response {
        let input = try req.query.decode(ListQuery.self)
        let query = VendorQuery(
            search: input.q, standing: input.standing.flatMap(VendorStanding.init(rawValue:)),
            sort: input.sort.flatMap(VendorSort.init(rawValue:)) ?? .name, page: PageRequest(page: input.page))
        let page = try await req.store.vendors.list(query)
        let base = ["q": query.search ?? "", "standing": query.standing?.rawValue ?? "", "sort": query.sort.rawValue]
        let context = VendorListContext(
            layout: LayoutContext(req, title: "Vendors"),
            rows: page.items.map(VendorRow.init),
            search: query.search ?? "",
            standingOptions: [SelectOption(value: "", label: "Any standing", selected: query.standing == nil)]
                + VendorStanding.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == query.standing) },
            sortOptions: VendorSort.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == query.sort) },
            pager: PagerContext(page, link: { SiteURL.vendors(query: base.merging(["page": String($0)]) { $1 }).path }, noun: "vendors"),
            canEdit: Access.editors.allows(req.currentUser?.role),
            newURL: SiteURL.newVendor.path)
        return try await req.page("vendors/index", context)
    }

    func show(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        let role = req.currentUser?.role
        let integrations = try await req.store.integrations.all(IntegrationQuery(vendorID: vendor.id))
        return try await req.page("vendors/show", VendorDetailContext(
            req, vendor: vendor, canEdit: Access.editors.allows(role), canSeeHistory: Access.auditTrail.allows(role),
            integrations: integrations.map { IntegrationRow($0, vendor: vendor.name) },
            contracts: try await req.store.contracts.all(ContractQuery(vendorID: vendor.id))
                .map { ContractRow($0, vendor: vendor.name) }))
    }

    func new(req: Request) async throws -> Response {
        try await req.page("vendors/form", newForm(req, VendorForm()))
    }

    func create(req: Request) async throws -> Response {
        let form = try req.form(VendorForm.self)
        do {
            let vendor = try await req.store.vendors.create(
                try form.validated(), id: req.context.services.ids(), by: req.actor, at: req.now)
            return req.redirect(to: .vendor(vendor.id), flash: "Vendor “\(vendor.name)” created.")
        } catch let error as DomainError {
            return try await req.page("vendors/form", newForm(req, form, error: error), status: ErrorMapping.map(error).status)
        }
    }

    func edit(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        return try await req.page("vendors/form", editForm(req, vendor, VendorForm(vendor)))
    }

    func update(req: Request) async throws -> Response {
        let vendor = try await req.vendorParameter()
        let form = try req.form(VendorForm.self)
        do {
            let version = try VersionInput.form(form.version)
            let saved = try await req.store.vendors.update(
                vendor.id, to: try form.validated(), expectedVersion: version, by: req.actor, at: req.now)
            await req.operations.gateWatch.recheck(vendor: saved.id, after: "the vendor record changed")
            return req.redirect(to: .vendor(saved.id), flash: "Vendor “\(saved.name)” saved.")
        } catch let error as DomainError {
            // On a conflict the person keeps what they typed and is told; the form now carries the
            // current version, so saving again is a deliberate choice, never a silent overwrite.
            var kept = form
            if case .staleVersion = error { kept.version = String(vendor.version) }
            await ConflictNotice.note(error, on: req, entityType: "vendor", entityID: vendor.id.description)
            return try await req.page("vendors/form", editForm(req, vendor, kept, error: error), status: ErrorMapping.map(error).status)
        }
    }

    private func newForm(_ req: Request, _ form: VendorForm, error: DomainError? = nil) -> VendorFormContext {
        let mapped = error.map(ErrorMapping.map)
        return VendorFormContext(
            req, heading: "New vendor", action: "/vendors", cancelURL: SiteURL.vendors().path, submitLabel: "Create vendor",
            form: form, errors: mapped?.fields ?? [:], formError: mapped?.formMessage)
    }

    private func editForm(_ req: Request, _ vendor: Vendor, _ form: VendorForm, error: DomainError? = nil) -> VendorFormContext {
        let mapped = error.map(ErrorMapping.map)
        return VendorFormContext(
            req, heading: "Edit \(vendor.name)", action: SiteURL.vendor(vendor.id).path, cancelURL: SiteURL.vendor(vendor.id).path,
            submitLabel: "Save changes", form: form, errors: mapped?.fields ?? [:], formError: mapped?.formMessage)
    }
}
