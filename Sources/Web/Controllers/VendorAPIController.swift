import Domain
import Operations
import Persistence
import Vapor

struct VendorAPIController: Sendable {
    func index(req: Request) async throws -> VendorListJSON {
        let input = try req.query.decode(ListQuery.self)
        var errors = ValidationErrors()
        let standing = input.standing.flatMap { $0.isEmpty ? nil : $0 }
        if let standing, VendorStanding(rawValue: standing) == nil { errors.add("standing", "Unknown standing “\(standing)”.") }
        if let sort = input.sort, !sort.isEmpty, VendorSort(rawValue: sort) == nil { errors.add("sort", "Sort by name, standing or updated.") }
        PageRequest.check(page: input.page, size: input.per_page, errors: &errors)
        try errors.throwIfAny()
        let query = VendorQuery(
            search: input.q, standing: standing.flatMap(VendorStanding.init(rawValue:)),
            sort: input.sort.flatMap(VendorSort.init(rawValue:)) ?? .name,
            page: PageRequest(page: input.page, size: input.per_page))
        let page = try await req.store.vendors.list(query)
        return VendorListJSON(items: page.items.map(VendorJSON.init), page: page.request.page, perPage: page.request.size, total: page.total)
    }

    func show(req: Request) async throws -> VendorJSON {
        VendorJSON(try await req.vendorParameter())
    }

    func create(req: Request) async throws -> Response {
        let body = try req.content.decode(VendorPatchJSON.self)
        let fields = try VendorFields.validate(
            name: body.name, website: body.website, securityContactEmail: body.securityContactEmail,
            standing: body.standing, notes: body.notes, privacyPolicyURL: body.privacyPolicyURL)
        let vendor = try await req.store.vendors.create(fields, id: req.context.services.ids(), by: req.actor, at: req.now)
        let response = try await VendorJSON(vendor).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/vendors/\(vendor.id)")
        return response
    }

    func update(req: Request) async throws -> VendorJSON {
        let vendor = try await req.vendorParameter()
        let body = try req.content.decode(VendorPatchJSON.self)
        let version = try VersionInput.api(body.version)
        let current = vendor.fields
        let fields = try VendorFields.validate(
            name: body.name ?? current.name, website: body.website ?? current.website,
            securityContactEmail: body.securityContactEmail ?? current.securityContactEmail,
            standing: body.standing ?? current.standing.rawValue, notes: body.notes ?? current.notes,
            privacyPolicyURL: body.privacyPolicyURL ?? current.privacyPolicyURL)
        let saved = try await req.store.vendors.update(vendor.id, to: fields, expectedVersion: version, by: req.actor, at: req.now)
        await req.operations.gateWatch.recheck(vendor: saved.id, after: "the vendor record changed")
        return VendorJSON(saved)
    }

    func me(req: Request) async throws -> MeJSON {
        let user = try req.requireUser()
        return MeJSON(id: user.id.description, email: user.email, name: user.name, role: user.role.rawValue)
    }

    func openAPI(req: Request) async throws -> Response {
        let path = req.context.config.dataDirectory + "openapi.yaml"
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "yaml")
        return response
    }

}
