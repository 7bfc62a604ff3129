import Domain
import Operations
import Vapor

/// NDPA Exhibit B of an integration, as a printable page and as CSV.
struct ExhibitBController: Sendable {
    func show(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        guard let vendor = try await req.store.vendors.find(integration.vendorID) else { throw DomainError.notFound(entity: "vendor") }
        let (schedule, agreement, reading) = try await req.operations.dataMaps.exhibitB(for: integration)
        return try await req.page("integrations/exhibit_b", ExhibitBContext(req, integration: integration, vendor: vendor, schedule: schedule,
                                                                          agreement: agreement, reading: reading))
    }

    func csv(req: Request) async throws -> Response {
        let integration = try await req.integrationParameter()
        let schedule = try await req.operations.dataMaps.exhibitB(for: integration).schedule
        let response = Response(status: .ok, body: .init(string: schedule.csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let name = ReportController.slug(integration.fields.name)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"ndpa-exhibit-b-\(name).csv\"")
        return response
    }
}
