import Foundation

/// One Canvas API endpoint the institution knows about.
public struct CatalogEntry: Hashable, Sendable {
    public enum Source: String, Sendable, Codable { case shipped, imported }

    public let verb: HTTPVerb
    public let template: RouteTemplate
    public let group: String
    public let kinds: Set<DataKind>
    public let source: Source
    /// The route's place in Canvas's route table: a request goes to the first route, in this order,
    /// whose method, path and constraints match. Entries without a place come after every one with.
    public let order: Int
    /// `controller#action` from Canvas's route table, when the entry came from it.
    public let handler: String?
    /// Where the data kinds come from: `catalog:N`, `derived:…`, `documented:N`, `imported`.
    public let classification: String
    public let constraints: [RouteConstraint]

    public init(verb: HTTPVerb, template: RouteTemplate, group: String, kinds: Set<DataKind>, source: Source = .shipped,
                order: Int = CatalogEntry.unordered, handler: String? = nil, classification: String = "",
                constraints: [RouteConstraint] = []) {
        self.verb = verb
        self.template = template
        self.group = group
        self.kinds = kinds
        self.source = source
        self.order = order
        self.handler = handler
        self.classification = classification.isEmpty ? (source == .imported ? "imported" : "catalog") : classification
        self.constraints = constraints
    }

    /// The order of an entry that is not in Canvas's route table (matched after every one that is).
    public static let unordered = 1 << 30

    public var access: HTTPVerb.Access { verb.access }
    public var risk: RiskLevel { RiskLevel.of(verb: verb, kinds: kinds) }
    /// Canvas's scope string for this endpoint: `url:GET|/api/v1/courses/:course_id/enrollments`.
    public var scope: String { "url:\(verb.rawValue)|\(template.text)" }
    public var key: String { "\(verb.rawValue) \(template.text)" }
    /// Method and shape: entries that share it are one route to Canvas, whatever their parameter names.
    public var shapeKey: String { "\(verb.rawValue) \(template.shape)" }

    /// The same endpoint written with another template (an instance's own text for a shipped route).
    public func replacingTemplate(_ template: RouteTemplate, source: Source) -> CatalogEntry {
        CatalogEntry(verb: verb, template: template, group: group, kinds: kinds, source: source, order: order,
                     handler: handler, classification: classification, constraints: constraints)
    }

    /// The same endpoint at another place in the route order.
    public func ordered(_ order: Int) -> CatalogEntry {
        CatalogEntry(verb: verb, template: template, group: group, kinds: kinds, source: source, order: order,
                     handler: handler, classification: classification, constraints: constraints)
    }
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
    public static let knownPrefixes = ["/api/v1/", "/api/sis/", "/api/quiz/v1/", "/api/lti/"]

    /// Parses the catalog text format (see `data/canvas/endpoints.txt`): the generated one, a line per
    /// endpoint with tab-separated attributes, or the hand-written one with `## Group | kinds` lines
    /// (whose entries keep the order they are written in). Refuses the whole file at the first
    /// problem, naming the file and line, so a broken catalog never half-loads.
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
            let entry: CatalogEntry
            if line.contains("\t") {
                entry = try generatedLine(line, fail)
            } else {
                guard let group else { throw fail("an endpoint before the first '## group' line") }
                let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                let (verb, template) = try endpoint(parts[0], fail)
                let entryKinds = parts.count == 2 ? try kinds(parts[1], fail) : groupKinds
                entry = CatalogEntry(verb: verb, template: template, group: group, kinds: entryKinds, order: entries.count + 1)
            }
            guard seen.insert(entry.key).inserted else { throw fail("\(entry.key) is listed twice") }
            entries.append(entry)
        }
        return entries
    }

    /// `METHOD PATH⇥resource⇥kinds⇥controller#action⇥order⇥class source⇥constraints`.
    static func generatedLine(_ line: String, _ fail: (String) -> CatalogError) throws -> CatalogEntry {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 7 else {
            throw fail("a generated line has 7 tab-separated fields (METHOD PATH, resource, kinds, controller#action, order, class source, constraints); found \(fields.count)")
        }
        let (verb, template) = try endpoint(fields[0], fail)
        guard !fields[1].isEmpty else { throw fail("name the endpoint's resource") }
        guard let order = Int(fields[4]), order > 0, order < CatalogEntry.unordered else { throw fail("the route order '\(fields[4])' is not a positive number") }
        var constraints: [RouteConstraint] = []
        if fields[6] != "-" {
            for notation in fields[6].split(separator: " ") {
                guard let constraint = RouteConstraint(notation: String(notation)) else { throw fail("unreadable constraint '\(notation)'") }
                constraints.append(constraint)
            }
        }
        return CatalogEntry(verb: verb, template: template, group: fields[1], kinds: try kinds(fields[2], fail), order: order,
                            handler: fields[3] == "-" ? nil : fields[3], classification: fields[5], constraints: constraints)
    }

    static func endpoint(_ text: String, _ fail: (String) -> CatalogError) throws -> (HTTPVerb, RouteTemplate) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2 else { throw fail("an endpoint line reads 'METHOD /path' (found '\(text)')") }
        guard let verb = HTTPVerb(rawValue: String(words[0])) else {
            throw fail("unknown method '\(words[0])'; use GET, POST, PUT, PATCH or DELETE")
        }
        let path = String(words[1])
        guard knownPrefixes.contains(where: path.hasPrefix) else {
            throw fail("'\(path)' is not a Canvas API path (/api/v1/, /api/sis/, /api/quiz/v1/ or /api/lti/)")
        }
        do { return (verb, try RouteTemplate(path)) } catch let error as RouteTemplate.Invalid { throw fail("\(path): \(error.reason)") }
    }

    /// The Canvas commit a generated catalog was made from (its `# canvas-commit:` line).
    public static func canvasCommit(in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline).prefix(20) where line.hasPrefix("# canvas-commit:") {
            let value = line.dropFirst("# canvas-commit:".count).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
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
