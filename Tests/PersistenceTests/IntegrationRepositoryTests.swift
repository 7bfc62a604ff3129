import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

func integrationFields(_ name: String, kind: IntegrationKind = .apiDeveloperKey) -> IntegrationFields {
    IntegrationFields(name: name, kind: kind, installLevel: .course, purpose: "Purpose of \(name)", classification: .restricted)
}

func entry(_ verb: HTTPVerb, _ template: String, _ why: String, kinds: Set<DataKind> = [.roster]) -> WhitelistEntry {
    WhitelistEntry(verb: verb, template: template, justification: why, group: "Enrollments", kinds: kinds)
}

@Suite("Integrations on every engine")
struct IntegrationRepositoryTests {
    @Test(arguments: TestEngine.available)
    func integrationsAreCreatedFilteredAndVersioned(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let quill = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let bright = try await store.vendors.create(fields("Brightpath"), id: .init(UUID()), by: admin, at: t0)
            let reader = try await store.integrations.create(integrationFields("Reader LTI", kind: .lti13), vendorID: quill.id, id: .init(UUID()), by: admin, at: t0)
            _ = try await store.integrations.create(integrationFields("Grade sync"), vendorID: quill.id, id: .init(UUID()), by: admin, at: t0)
            _ = try await store.integrations.create(integrationFields("Proctor key"), vendorID: bright.id, id: .init(UUID()), by: admin, at: t0)

            #expect(try await store.integrations.list(IntegrationQuery()).total == 3)
            #expect(try await store.integrations.list(IntegrationQuery(vendorID: quill.id)).total == 2)
            #expect(try await store.integrations.list(IntegrationQuery(kind: .lti13)).items.map(\.fields.name) == ["Reader LTI"])
            #expect(try await store.integrations.list(IntegrationQuery(search: "GRADE")).total == 1)
            // By part of the vendor's name, any case: the count and the page agree.
            let byVendor = try await store.integrations.list(IntegrationQuery(vendorName: "STONE"))
            #expect(byVendor.total == 2 && byVendor.items.map(\.fields.name) == ["Grade sync", "Reader LTI"])
            #expect(try await store.integrations.list(IntegrationQuery(vendorName: "nobody")).total == 0)
            #expect(try await store.integrations.list(IntegrationQuery(kind: .lti13, vendorName: "quill")).items.map(\.fields.name) == ["Reader LTI"])
            #expect(reader.status == .draft)

            await #expect(throws: DomainError.duplicate(field: "name", message: "This vendor already has an integration named “reader lti”.")) {
                _ = try await store.integrations.create(integrationFields("reader lti"), vendorID: quill.id, id: .init(UUID()), by: admin, at: t0)
            }
            // Another vendor may use the same name.
            _ = try await store.integrations.create(integrationFields("Reader LTI"), vendorID: bright.id, id: .init(UUID()), by: admin, at: t0)

            var changed = reader.fields
            changed.purpose = "Reading practice for first-year courses"
            let saved = try await store.integrations.update(reader.id, to: changed, expectedVersion: 1, by: admin, at: t0)
            #expect(saved.version == 2)
            await #expect(throws: DomainError.staleVersion(entity: "integration", expected: 1, actual: 2)) {
                _ = try await store.integrations.update(reader.id, to: reader.fields, expectedVersion: 1, by: admin, at: t0)
            }
            await #expect(throws: DomainError.notFound(entity: "vendor")) {
                _ = try await store.integrations.create(integrationFields("Orphan"), vendorID: .init(UUID()), id: .init(UUID()), by: admin, at: t0)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func statusActionsAreCheckedAndAudited(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Ledgerline"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Attendance"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let inReview = try await store.integrations.perform(.submitForReview, note: nil, on: integration.id, expectedVersion: 1, by: admin, at: t0)
            #expect(inReview.status == .inReview)
            await #expect(throws: DomainError.self) {
                _ = try await store.integrations.perform(.activate, note: nil, on: integration.id, expectedVersion: 2, by: admin, at: t0)
            }
            let approved = try await store.integrations.perform(.approveWithConditions, note: "Course installs only", on: integration.id, expectedVersion: 2, by: admin, at: t0)
            #expect(approved.status == .approvedWithConditions)
            #expect(try await store.integrations.list(IntegrationQuery(status: .approvedWithConditions)).total == 1)
            let events = try await store.audit.list(AuditQuery(entityID: integration.id.description)).items
            #expect(events.map(\.action) == ["approve_with_conditions", "submit_for_review", "create"])
            #expect(events[0].summary == "Attendance — status In review → Approved with conditions: Course installs only")
        }
    }

    @Test(arguments: TestEngine.available)
    func everyWhitelistChangeIsANewVersionWithItsDiffAudited(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Ledgerline"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Attendance"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let read = entry(.GET, "/api/v1/courses/:course_id/enrollments", "roster")
            let write = entry(.POST, "/api/v1/courses/:course_id/submissions/update_grades", "scores", kinds: [.grades, .submissions])
            let v1 = try await store.integrations.saveWhitelist([read], for: integration.id, expectedWhitelistVersion: 0, by: admin, at: t0)
            #expect(v1.number == 1)
            #expect(try await store.integrations.find(integration.id)?.risk == .medium)
            let v2 = try await store.integrations.saveWhitelist([read, write], for: integration.id, expectedWhitelistVersion: 1, by: admin, at: t0)
            #expect(v2.number == 2)
            #expect(try await store.integrations.find(integration.id)?.risk == .high)
            #expect(try await store.integrations.list(IntegrationQuery(risk: .high)).total == 1)

            // Saving the same entries again changes nothing.
            let same = try await store.integrations.saveWhitelist([read, write], for: integration.id, expectedWhitelistVersion: 2, by: admin, at: t0)
            #expect(same.number == 2)
            await #expect(throws: DomainError.staleVersion(entity: "endpoint whitelist", expected: 1, actual: 2)) {
                _ = try await store.integrations.saveWhitelist([write], for: integration.id, expectedWhitelistVersion: 1, by: admin, at: t0)
            }
            let versions = try await store.integrations.whitelistVersions(integration.id)
            #expect(versions.map(\.number) == [2, 1])
            #expect(versions[1].entries == [read])
            #expect(try await store.integrations.whitelist(integration.id, version: 1)?.entries == [read])
            #expect(try await store.integrations.whitelist(integration.id, version: nil)?.entries == [read, write])
            let audit = try await store.audit.list(AuditQuery(action: "whitelist")).items
            #expect(audit.count == 2)
            #expect(audit[0].summary.contains("version 2 (2 endpoints, overall risk high): added POST /api/v1/courses/:course_id/submissions/update_grades"))
            let (_, problem) = try await store.audit.verifyChain()
            #expect(problem == nil)
        }
    }
}
