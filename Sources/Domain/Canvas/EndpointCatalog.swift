import Foundation

/// One Canvas API endpoint the institution knows about.
public struct CatalogEntry: Hashable, Sendable {
    public enum Source: String, Sendable, Codable { case shipped, imported }

    public let verb: HTTPVerb
    public let template: RouteTemplate
    public let group: String
    public let kinds: Set<DataKind>
    public let source: Source

    public init(verb: HTTPVerb, template: RouteTemplate, group: String, kinds: Set<DataKind>, source: Source = .shipped) {
        self.verb = verb
        self.template = template
        self.group = group
        self.kinds = kinds
        self.source = source
    }

    public var access: HTTPVerb.Access { verb.access }
    public var risk: RiskLevel { RiskLevel.of(verb: verb, kinds: kinds) }
    /// Canvas's scope string for this endpoint: `url:GET|/api/v1/courses/:course_id/enrollments`.
    public var scope: String { "url:\(verb.rawValue)|\(template.text)" }
    public var key: String { "\(verb.rawValue) \(template.text)" }
}

/// A problem in a catalog file, with where it is.
public struct CatalogError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public var description: String { "\(file):\(line): \(message)" }
}

public enum EndpointCatalog {
    /// Only these prefixes can be named in Canvas `url:` scopes or called with a token; `/api/lti`
    /// services are listed too because vendors declare them (they use LTI scopes instead).
    static let knownPrefixes = ["/api/v1/", "/api/sis/", "/api/quiz/v1/", "/api/lti/"]

    /// Parses the catalog text format (see `data/canvas/endpoints.txt`). Refuses the whole file at
    /// the first problem, naming the file and line, so a broken catalog never half-loads.
    public static func parse(_ text: String, file: String) throws -> [CatalogEntry] {
        var entries: [CatalogEntry] = []
        var seen = Set<String>()
        var group: String?
        var groupKinds: Set<DataKind> = []
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            func fail(_ message: String) -> CatalogError { CatalogError(file: file, line: lineNumber, message: message) }
            if line.isEmpty || (line.hasPrefix("#") && !line.hasPrefix("## ")) { continue }
            if line.hasPrefix("## ") {
                let parts = line.dropFirst(3).split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else { throw fail("a group line reads '## Name | kind, kind'") }
                group = parts[0]
                groupKinds = try kinds(parts[1], fail)
                continue
            }
            guard let group else { throw fail("an endpoint before the first '## group' line") }
            let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let words = parts[0].split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2 else { throw fail("an endpoint line reads 'METHOD /path' (found '\(parts[0])')") }
            guard let verb = HTTPVerb(rawValue: String(words[0])) else {
                throw fail("unknown method '\(words[0])'; use GET, POST, PUT, PATCH or DELETE")
            }
            let path = String(words[1])
            guard knownPrefixes.contains(where: path.hasPrefix) else {
                throw fail("'\(path)' is not a Canvas API path (/api/v1/, /api/sis/, /api/quiz/v1/ or /api/lti/)")
            }
            let template: RouteTemplate
            do { template = try RouteTemplate(path) } catch let error as RouteTemplate.Invalid { throw fail("\(path): \(error.reason)") }
            let entryKinds = parts.count == 2 ? try kinds(parts[1], fail) : groupKinds
            let entry = CatalogEntry(verb: verb, template: template, group: group, kinds: entryKinds)
            guard seen.insert(entry.key).inserted else { throw fail("\(entry.key) is listed twice") }
            entries.append(entry)
        }
        return entries
    }

    static func kinds(_ text: String, _ fail: (String) -> CatalogError) throws -> Set<DataKind> {
        var result = Set<DataKind>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let kind = DataKind(rawValue: name) else {
                throw fail("unknown data kind '\(name)'; known: \(DataKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.insert(kind)
        }
        guard !result.isEmpty else { throw fail("name at least one data kind") }
        return result
    }
}
