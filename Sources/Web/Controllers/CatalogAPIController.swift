import Domain
import Operations
import Vapor

/// The endpoint catalog over the API: where it came from, and one endpoint checked as the whitelist
/// editor checks it (matched the way Canvas routes, normalised to Canvas's text).
struct CatalogAPIController: Sendable {
    /// A longer path is refused before matching: no Canvas route comes close.
    static let maxPathLength = 2_048

    func summary(req: Request) async throws -> Response {
        let catalog = req.operations.catalog
        let imported = try await req.store.catalog.importedEntries()
        let shipped = catalog.shipped
        return try ReviewJSON.object([
            "canvasCommit": catalog.canvasCommit,
            "shipped": shipped.count,
            "imported": imported.count,
            "byPrefix": Dictionary(grouping: shipped, by: { Self.prefix($0.template.text) }).mapValues(\.count),
            "classification": ["catalog": catalog.classification.byHand, "derived": catalog.classification.derived,
                               "documented": catalog.classification.documented],
        ]).json(req)
    }

    func check(req: Request) async throws -> Response {
        let method = (try? req.query.get(String.self, at: "method")) ?? ""
        let path = (try? req.query.get(String.self, at: "path")) ?? ""
        var errors = ValidationErrors()
        if Check.trimmed(method).isEmpty { errors.add("method", "method is required: GET, POST, PUT, PATCH or DELETE.") }
        if Check.trimmed(path).isEmpty { errors.add("path", "path is required, as in /api/v1/courses/:course_id/enrollments.") }
        if path.count > Self.maxPathLength { errors.add("path", "path is longer than \(Self.maxPathLength) characters; no Canvas route is.") }
        try errors.throwIfAny()
        let checker = EndpointChecker(matcher: try await req.operations.catalog.matcher())
        switch checker.check(method: method, path: path) {
        case let .known(entry):
            return try ReviewJSON.object([
                "known": true, "endpoint": Self.endpoint(entry),
                "renamedParameters": EndpointChecker.namesParametersDifferently(path, from: entry),
                "reason": nil as String?, "suggestions": [NullableJSON<JSONKey>](),
            ]).json(req)
        case let .unknown(reason, suggestions):
            return try ReviewJSON.object([
                "known": false, "endpoint": nil as NullableJSON<JSONKey>?, "renamedParameters": false,
                "reason": reason, "suggestions": suggestions.map(Self.endpoint),
            ]).json(req)
        }
    }

    static func endpoint(_ entry: CatalogEntry) -> NullableJSON<JSONKey> {
        ReviewJSON.object([
            "method": entry.verb.rawValue, "template": entry.template.text, "scope": entry.isURLScopable ? entry.scope : nil,
            "group": entry.group, "kinds": entry.kinds.sorted().map(\.rawValue), "access": entry.access.rawValue,
            "risk": entry.risk.description, "routeOrder": entry.order < CatalogEntry.unordered ? entry.order : nil,
            "handler": entry.handler, "classification": entry.classification, "source": entry.source.rawValue,
        ])
    }

    static func prefix(_ path: String) -> String {
        EndpointCatalog.knownPrefixes.first(where: path.hasPrefix) ?? "other"
    }
}

extension Request {
    /// A whitelist version as Canvas writes its routes now, for exported scopes (see
    /// `WhitelistVersion.inCanvasText`).
    func inCanvasText(_ version: WhitelistVersion?) async throws -> WhitelistVersion? {
        guard let version else { return nil }
        return version.inCanvasText(try await operations.catalog.matcher())
    }
}
