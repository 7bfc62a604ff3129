import Domain
import Foundation

/// The endpoint catalog in use: what ships in `data/` plus what the institution imported from its
/// own Canvas. The combined matcher is rebuilt whenever the stored imports change, so every app
/// instance sees an import made on another one without holding state of its own that matters.
public final class Catalog: Sendable {
    public let shipped: [CatalogEntry]
    public let shippedMatcher: EndpointMatcher
    /// The canvas-lms commit the shipped catalog was generated from, when it says.
    public let canvasCommit: String?
    private let environment: OperationEnvironment
    private let cache = Cache()

    init(_ environment: OperationEnvironment) {
        self.environment = environment
        shipped = environment.shippedCatalog
        shippedMatcher = EndpointMatcher(environment.shippedCatalog)
        canvasCommit = environment.shippedCatalogCommit
    }

    /// How the shipped entries' data kinds were decided: by hand (`catalog:N`), derived from the
    /// route's words (`derived:…`), or documented outside Canvas's route table (`documented:N`).
    public struct Classification: Sendable {
        public let byHand: Int
        public let derived: Int
        public let documented: Int
    }

    public var classification: Classification {
        func count(_ prefix: String) -> Int { shipped.count { $0.classification.hasPrefix(prefix) } }
        return Classification(byHand: count("catalog"), derived: count("derived"), documented: count("documented"))
    }

    /// The matcher over the shipped and the imported entries.
    public func matcher() async throws -> EndpointMatcher {
        let store = environment.store
        let revision = try await store.catalog.revision()
        if revision.hasPrefix("0@") { return shippedMatcher }
        if let cached = await cache.matcher(for: revision) { return cached }
        let matcher = EndpointMatcher(Self.merged(shipped: shipped, imported: try await store.catalog.importedEntries()))
        await cache.keep(matcher, for: revision)
        return matcher
    }

    /// The shipped catalog with an instance's imported scopes laid over it. An imported scope with the
    /// shape of a shipped route (same method, same path but for parameter names) replaces that
    /// route's text, so the exported scope is exactly the instance's string, and keeps the shipped
    /// route's place in the route order, data kinds and resource. Other imported scopes come after
    /// every shipped route.
    public static func merged(shipped: [CatalogEntry], imported: [CatalogEntry]) -> [CatalogEntry] {
        var byShape: [String: CatalogEntry] = [:]
        for entry in imported where byShape[entry.shapeKey] == nil { byShape[entry.shapeKey] = entry }
        var replaced = Set<String>()
        var result: [CatalogEntry] = []
        var shippedShapes = Set<String>()
        for entry in shipped {
            let shape = entry.shapeKey
            shippedShapes.insert(shape)
            if let instance = byShape[shape], instance.key != entry.key, !replaced.contains(shape), entry.constraints.isEmpty {
                replaced.insert(shape)
                result.append(entry.replacingTemplate(instance.template, source: .imported))
            } else {
                result.append(entry)
            }
        }
        for entry in imported where !shippedShapes.contains(entry.shapeKey) {
            result.append(entry)
        }
        return result
    }

    /// Parses a response of Canvas's scopes API and stores what is new.
    public func importScopes(_ data: Data, source: String, by actor: Actor) async throws -> CatalogImportOutcome {
        let result: ScopesImport.Result
        do {
            result = try ScopesImport.parse(data)
        } catch let error as ScopesImport.Invalid {
            throw DomainError.validation(ValidationErrors(["file": "This file is \(error.description)."]))
        }
        return try await environment.store.catalog.importEntries(
            result.entries, skipped: result.skipped.count, known: Set(shipped.map(\.key)), source: source, by: actor, at: environment.now())
    }

    private actor Cache {
        private var entry: (revision: String, matcher: EndpointMatcher)?
        func matcher(for revision: String) -> EndpointMatcher? { entry?.revision == revision ? entry?.matcher : nil }
        func keep(_ matcher: EndpointMatcher, for revision: String) { entry = (revision, matcher) }
    }
}
