import Domain
import Foundation
import Persistence

/// The endpoint catalog in use: what ships in `data/` plus what the institution imported from its
/// own Canvas. The combined matcher is rebuilt whenever the stored imports change, so every app
/// instance sees an import made on another one without holding state of its own that matters.
actor CatalogService {
    let shipped: [CatalogEntry]
    let shippedMatcher: EndpointMatcher
    private var cached: (revision: String, matcher: EndpointMatcher)?

    init(shipped: [CatalogEntry]) {
        self.shipped = shipped
        shippedMatcher = EndpointMatcher(shipped)
    }

    func matcher(_ store: Store) async throws -> EndpointMatcher {
        let revision = try await store.catalog.revision()
        if revision.hasPrefix("0@") { return shippedMatcher }
        if let cached, cached.revision == revision { return cached.matcher }
        let matcher = EndpointMatcher(shipped + (try await store.catalog.importedEntries()))
        cached = (revision, matcher)
        return matcher
    }

    /// Parses a scopes-API response and stores what is new.
    func importScopes(_ data: Data, source: String, store: Store, actor: Actor, now: Date) async throws -> CatalogImportOutcome {
        let result: ScopesImport.Result
        do {
            result = try ScopesImport.parse(data)
        } catch let error as ScopesImport.Invalid {
            throw DomainError.validation(ValidationErrors(["file": "This file is \(error.description)."]))
        }
        return try await store.catalog.importEntries(
            result.entries, skipped: result.skipped.count, known: Set(shipped.map(\.key)), source: source, by: actor, at: now)
    }
}
