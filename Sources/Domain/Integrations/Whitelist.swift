import Foundation

/// One accepted line of an integration's declared endpoint whitelist. The group and data kinds are
/// kept as they were when saved, so old versions read the same after the catalog changes.
public struct WhitelistEntry: Equatable, Hashable, Sendable {
    public let verb: HTTPVerb
    public let template: String
    public let justification: String
    public let group: String
    public let kinds: Set<DataKind>

    public init(verb: HTTPVerb, template: String, justification: String, group: String, kinds: Set<DataKind>) {
        self.verb = verb
        self.template = template
        self.justification = justification
        self.group = group
        self.kinds = kinds
    }

    public init(_ entry: CatalogEntry, justification: String) {
        self.init(verb: entry.verb, template: entry.template.text, justification: justification, group: entry.group, kinds: entry.kinds)
    }

    public var key: String { "\(verb.rawValue) \(template)" }
    public var access: HTTPVerb.Access { verb.access }
    public var risk: RiskLevel { RiskLevel.of(verb: verb, kinds: kinds) }
    public var scope: String { "url:\(verb.rawValue)|\(template)" }
    public var isURLScopable: Bool { ["/api/v1/", "/api/sis/", "/api/quiz/v1/"].contains(where: template.hasPrefix) }

    /// As a catalog entry, for the summary and scope export (templates here always parse).
    var catalogEntry: CatalogEntry? {
        (try? RouteTemplate(template)).map { CatalogEntry(verb: verb, template: $0, group: group, kinds: kinds) }
    }
}

public struct WhitelistVersion: Equatable, Sendable {
    public let number: Int
    public let entries: [WhitelistEntry]
    public let createdAt: Date
    public let createdBy: String

    public init(number: Int, entries: [WhitelistEntry], createdAt: Date, createdBy: String) {
        self.number = number
        self.entries = entries
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    public var summary: WhitelistSummary { WhitelistSummary(entries.compactMap(\.catalogEntry)) }

    /// The version with each entry written as the catalog now writes the same route (same method and
    /// shape), so exported scopes are Canvas's exact strings even for a version saved before the
    /// catalog knew Canvas's parameter names. Justifications, groups and kinds stay as saved.
    public func inCanvasText(_ matcher: EndpointMatcher) -> WhitelistVersion {
        WhitelistVersion(number: number, entries: entries.map { entry in
            guard let template = try? RouteTemplate(entry.template), let canvas = matcher.match(entry.verb, entry.template),
                  canvas.template.text != entry.template, canvas.template.shape == template.shape else { return entry }
            return WhitelistEntry(verb: entry.verb, template: canvas.template.text, justification: entry.justification,
                                  group: entry.group, kinds: entry.kinds)
        }, createdAt: createdAt, createdBy: createdBy)
    }
    public var scopeLines: [String] { ScopeExport.scopeLines(entries.compactMap(\.catalogEntry)) }
    public var developerKeyJSON: String { ScopeExport.developerKeyJSON(entries.compactMap(\.catalogEntry)) }
}

public enum Whitelist {
    public static let maxEntries = 500
    public static let justificationMax = 500

    /// Checks declared lines against the catalog. Every problem is reported at once, keyed
    /// `line N` with the reason and the closest catalog routes, and nothing is accepted until all
    /// lines are right. The same endpoint twice is refused, so one justification covers it.
    public static func resolve(_ declarations: [EndpointDeclaration], checker: EndpointChecker) throws -> [WhitelistEntry] {
        var errors = ValidationErrors()
        var entries: [WhitelistEntry] = []
        var seen: [String: Int] = [:]
        if declarations.count > maxEntries {
            errors.add("entries", "At most \(maxEntries) endpoints; split the integration or ask the vendor to narrow it.")
        }
        for (index, declaration) in declarations.enumerated() {
            let field = "line \(index + 1)"
            switch checker.check(method: declaration.method, path: declaration.path) {
            case let .known(entry):
                let justification = Check.trimmed(declaration.justification)
                if justification.isEmpty {
                    errors.add(field, "\(entry.key): say why the integration needs it (after a #).")
                } else if justification.count > justificationMax {
                    errors.add(field, "\(entry.key): the justification is longer than \(justificationMax) characters.")
                } else if let first = seen[entry.key] {
                    errors.add(field, "\(entry.key) is already declared on line \(first).")
                } else {
                    seen[entry.key] = index + 1
                    entries.append(WhitelistEntry(entry, justification: justification))
                }
            case let .unknown(reason, suggestions):
                let hint = suggestions.isEmpty ? "" : " Did you mean " + suggestions.map(\.key).joined(separator: " or ") + "?"
                errors.add(field, "\(Excerpt.of(declaration.method, limit: 10)) \(Excerpt.of(declaration.path)): \(reason)\(hint)")
            }
        }
        if declarations.isEmpty { errors.add("entries", "Declare at least one endpoint.") }
        try errors.throwIfAny()
        return entries
    }

    /// How many declared lines named a parameter otherwise than Canvas does; `entries` are what
    /// `resolve` made of `declarations`, in the same order, saved in Canvas's text.
    public static func renamedCount(_ declarations: [EndpointDeclaration], saved entries: [WhitelistEntry]) -> Int {
        zip(declarations, entries).count { declaration, entry in
            entry.catalogEntry.map { EndpointChecker.namesParametersDifferently(declaration.path, from: $0) } ?? false
        }
    }

    /// Reads the whitelist editor's text: one `METHOD PATH # justification` per line.
    public static func declarations(fromText text: String) -> [EndpointDeclaration] {
        // Browsers send textarea lines as CRLF, which Swift reads as one Character: split on any newline.
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).compactMap { EndpointDeclaration.parseLine(String($0)) }
    }

    /// Writes entries back as editor text.
    public static func text(_ entries: [WhitelistEntry]) -> String {
        entries.map { "\($0.verb.rawValue) \($0.template)  # \($0.justification)" }.joined(separator: "\n")
    }
}

/// What changed between two whitelist versions.
public struct WhitelistDiff: Equatable, Sendable {
    public struct Change: Equatable, Sendable {
        public let key: String
        public let before: String
        public let after: String

        public init(key: String, before: String, after: String) {
            self.key = key
            self.before = before
            self.after = after
        }
    }

    public let added: [WhitelistEntry]
    public let removed: [WhitelistEntry]
    public let justificationChanged: [Change]

    public init(from old: [WhitelistEntry], to new: [WhitelistEntry]) {
        let before = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        added = new.filter { before[$0.key] == nil }
        removed = old.filter { after[$0.key] == nil }
        justificationChanged = new.compactMap { entry in
            guard let previous = before[entry.key], previous.justification != entry.justification else { return nil }
            return Change(key: entry.key, before: previous.justification, after: entry.justification)
        }
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && justificationChanged.isEmpty }

    /// For the audit trail: "added GET …; removed POST …; justification changed for GET …".
    public var summary: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + added.map(\.key).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.map(\.key).joined(separator: ", ")) }
        if !justificationChanged.isEmpty { parts.append("justification changed for " + justificationChanged.map(\.key).joined(separator: ", ")) }
        return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
    }
}

extension IntegrationRepository {
    /// Every integration, by name, in one query (reports, reminders, exports).
    public func all() async throws -> [Integration] { try await all(IntegrationQuery()) }

    /// Every integration's name by id.
    public func names() async throws -> [Integration.ID: String] {
        Dictionary(try await all().map { ($0.id, $0.fields.name) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Counts for charts: by status, by kind, by risk.
public struct IntegrationTallies: Equatable, Sendable {
    public var total = 0
    public var byStatus: [IntegrationStatus: Int] = [:]
    public var byKind: [IntegrationKind: Int] = [:]
    public var byRisk: [RiskLevel?: Int] = [:]

    public init() {}
}

public protocol IntegrationRepository: Sendable {
    func find(_ id: Integration.ID) async throws -> Integration?
    func list(_ query: IntegrationQuery) async throws -> ResultPage<Integration>
    /// Every integration the query matches (its page is ignored), by name, in one query.
    func all(_ query: IntegrationQuery) async throws -> [Integration]
    /// The highest accepted whitelist version of every integration that has one (one query).
    func acceptedWhitelistVersions() async throws -> [Integration.ID: Int]
    /// The integrations with these ids, and those with a re-review date (reminders need no others).
    func reminderCandidates(ids: Set<Integration.ID>) async throws -> [Integration]
    func create(_ fields: IntegrationFields, vendorID: Vendor.ID, id: Integration.ID, by actor: Actor, at now: Date) async throws -> Integration
    func update(_ id: Integration.ID, to fields: IntegrationFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Integration
    func perform(_ action: IntegrationAction, note: String?, on id: Integration.ID, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Integration
    /// Saves a new whitelist version when the entries differ from the current one.
    func saveWhitelist(_ entries: [WhitelistEntry], for id: Integration.ID, expectedWhitelistVersion: Int, by actor: Actor, at now: Date) async throws -> WhitelistVersion
    func whitelist(_ id: Integration.ID, version: Int?) async throws -> WhitelistVersion?
    func whitelistVersions(_ id: Integration.ID) async throws -> [WhitelistVersion]
    /// A reviewer accepts the current whitelist version (not the integration's owner).
    func acceptWhitelist(_ id: Integration.ID, version: Int, by actor: Actor, userID: User.ID, at now: Date) async throws -> WhitelistAcceptance
    /// The acceptance of the highest accepted version, if any.
    func whitelistAcceptance(_ id: Integration.ID) async throws -> WhitelistAcceptance?
    /// The integrations with these ids (one query a batch).
    func find(_ ids: Set<Integration.ID>) async throws -> [Integration.ID: Integration]
    /// What the work queues look at beyond the records they name: integrations that could get a key
    /// (approved or active) and those with a declared whitelist that are not retired.
    func queueCandidates() async throws -> [Integration]
    /// How many integrations have each status, kind and risk (nil: none declared), in one grouped query.
    func tallies() async throws -> IntegrationTallies
    /// The current whitelist version of each of these integrations that has one (two queries a batch).
    func currentWhitelists(_ integrations: [Integration]) async throws -> [Integration.ID: WhitelistVersion]
    /// The highest acceptance of each of these integrations that has one (one query a batch).
    func whitelistAcceptances(_ ids: [Integration.ID]) async throws -> [Integration.ID: WhitelistAcceptance]
}
