import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

@Suite("Imported catalog entries on every engine")
struct CatalogRepositoryTests {
    @Test(arguments: TestEngine.available)
    func importsOnlyWhatIsNewAndAuditsIt(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let catalog = db.store.catalog
            #expect(try await catalog.revision().hasPrefix("0@"))
            let smart = CatalogEntry(verb: .GET, template: try RouteTemplate("/api/v1/courses/:course_id/smart_things"), group: "Smart",
                                     kinds: [.courseContent], source: .imported)
            let known = CatalogEntry(verb: .GET, template: try RouteTemplate("/api/v1/courses"), group: "Courses", kinds: [.courseSettings], source: .imported)
            let first = try await catalog.importEntries([smart, known], skipped: 1, known: [known.key], source: "scopes.json", by: admin, at: t0)
            #expect(first == CatalogImportOutcome(added: 1, alreadyKnown: 1, skipped: 1))
            let revision = try await catalog.revision()
            #expect(!revision.hasPrefix("0@"))
            let again = try await catalog.importEntries([smart], skipped: 0, known: [], source: "scopes.json", by: admin, at: t0.addingTimeInterval(60))
            #expect(again.added == 0)
            #expect(try await catalog.importedEntries().map(\.key) == [smart.key])
            #expect(try await catalog.importedEntries().first?.source == .imported)
            let events = try await db.store.audit.list(AuditQuery(entityType: "catalog")).items
            #expect(events.count == 2)
            #expect(events.last?.summary.contains("New: GET /api/v1/courses/:course_id/smart_things") == true)
        }
    }
}
