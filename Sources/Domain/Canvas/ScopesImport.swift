import Foundation

/// Reads the JSON a Canvas instance returns from `GET /api/v1/accounts/:account_id/scopes`
/// (objects with resource, resource_name, controller, action, verb, scope), so an institution's
/// catalog can match its own Canvas version.
public enum ScopesImport {
    struct Item: Decodable {
        let resource: String?
        let resource_name: String?
        let verb: String?
        let scope: String?
    }

    public struct Result: Equatable, Sendable {
        public let entries: [CatalogEntry]
        /// Items that could not be read, with their position (1-based) and why.
        public let skipped: [(index: Int, reason: String)]

        public static func == (lhs: Result, rhs: Result) -> Bool {
            lhs.entries == rhs.entries && lhs.skipped.map(\.index) == rhs.skipped.map(\.index)
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses the response (a JSON array, or Canvas's grouped object of arrays). Endpoints are
    /// classified by their path (see `DataKindInference`).
    public static func parse(_ data: Data) throws -> Result {
        let items: [Item]
        do {
            if let array = try? JSONDecoder().decode([Item].self, from: data) {
                items = array
            } else {
                items = try JSONDecoder().decode([String: [Item]].self, from: data).sorted { $0.key < $1.key }.flatMap(\.value)
            }
        } catch {
            throw Invalid(description: "not the JSON Canvas returns from its scopes API (an array of objects with verb and scope)")
        }
        if items.isEmpty {
            throw Invalid(description: "empty: the scopes API answer lists at least one scope")
        }
        var entries: [CatalogEntry] = []
        var skipped: [(Int, String)] = []
        var seen = Set<String>()
        for (offset, item) in items.enumerated() {
            guard let scope = item.scope, scope.hasPrefix("url:"), let bar = scope.firstIndex(of: "|") else {
                skipped.append((offset + 1, "no url: scope")); continue
            }
            let verbText = String(scope[scope.index(scope.startIndex, offsetBy: 4)..<bar])
            let path = String(scope[scope.index(after: bar)...])
            guard let verb = HTTPVerb(rawValue: verbText.uppercased()) else { skipped.append((offset + 1, "unknown verb \(verbText)")); continue }
            guard let template = try? RouteTemplate(path) else { skipped.append((offset + 1, "unreadable path")); continue }
            let entry = CatalogEntry(
                verb: verb, template: template, group: item.resource_name ?? item.resource ?? "Imported",
                kinds: DataKindInference.kinds(for: path), source: .imported)
            if seen.insert(entry.key).inserted { entries.append(entry) }
        }
        return Result(entries: entries, skipped: skipped.map { (index: $0.0, reason: $0.1) })
    }
}

/// Guesses the data kinds of a path the shipped catalog does not know, from its words.
/// Deliberately errs towards the more sensitive kinds.
public enum DataKindInference {
    static let rules: [(String, DataKind)] = [
        ("grade", .grades), ("score", .grades), ("rubric_assessment", .grades), ("outcome_result", .grades),
        ("submission", .submissions), ("quiz_submission", .submissions),
        ("enrollment", .roster), ("section", .roster), ("group", .roster), ("observ", .roster), ("names_and_roles", .roster),
        ("users", .userPII), ("login", .userPII), ("communication_channel", .userPII), ("profile", .userPII), ("page_views", .userPII),
        ("conversation", .communications), ("announcement", .communications), ("comm_message", .communications),
        ("discussion", .discussions), ("calendar", .calendar), ("appointment", .calendar), ("planner", .calendar),
        ("quiz", .quizzes), ("outcome", .outcomes), ("analytics", .analytics),
        ("file", .files), ("folder", .files), ("media", .files),
        ("admin", .accountAdmin), ("role", .accountAdmin), ("authentication_provider", .accountAdmin), ("developer_key", .ltiTools),
        ("external_tool", .ltiTools), ("lti", .ltiTools), ("audit", .auditLogs), ("sis", .sis),
        ("pages", .courseContent), ("modules", .courseContent), ("assignments", .courseContent), ("content", .courseContent),
    ]

    public static func kinds(for path: String) -> Set<DataKind> {
        let lower = path.lowercased()
        var kinds = Set(rules.filter { lower.contains($0.0) }.map(\.1))
        if kinds.isEmpty { kinds = lower.contains("/accounts/") ? [.accountAdmin] : [.courseSettings] }
        return kinds
    }
}

/// What an import added to the institution's catalog.
public struct CatalogImportOutcome: Equatable, Sendable {
    public let added: Int
    public let alreadyKnown: Int
    public let skipped: Int

    public init(added: Int, alreadyKnown: Int, skipped: Int) {
        self.added = added
        self.alreadyKnown = alreadyKnown
        self.skipped = skipped
    }

    public var sentence: String {
        "Imported \(added) new endpoint(s); \(alreadyKnown) already known; \(skipped) item(s) skipped."
    }
}

/// Endpoints an institution imported from its own Canvas, kept in the database.
public protocol CatalogRepository: Sendable {
    func importedEntries() async throws -> [CatalogEntry]
    /// A value that changes whenever imported entries change (to know when to rebuild a matcher).
    func revision() async throws -> String
    /// Stores entries not already in `known` (shipped or imported before), audited as one event.
    func importEntries(_ entries: [CatalogEntry], skipped: Int, known: Set<String>, source: String, by actor: Actor, at now: Date) async throws -> CatalogImportOutcome
}
