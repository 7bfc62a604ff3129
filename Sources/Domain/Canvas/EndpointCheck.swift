import Foundation

/// One line of a vendor's declared endpoint list, before checking.
public struct EndpointDeclaration: Hashable, Sendable {
    public let method: String
    public let path: String
    public let justification: String

    public init(method: String, path: String, justification: String) {
        self.method = method
        self.path = path
        self.justification = justification
    }

    /// Reads `METHOD PATH [# justification]`; nil for blank lines and `#` comment lines.
    public static func parseLine(_ line: String) -> EndpointDeclaration? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        var body = Substring(trimmed)
        var justification = ""
        if let hash = trimmed.range(of: " #") {
            justification = trimmed[hash.upperBound...].trimmingCharacters(in: .whitespaces)
            body = trimmed[..<hash.lowerBound]
        }
        let words = body.split(separator: " ", omittingEmptySubsequences: true)
        return EndpointDeclaration(
            method: words.first.map(String.init) ?? "",
            path: words.dropFirst().joined(separator: " "),
            justification: justification)
    }
}

/// What checking one declaration found.
public enum EndpointCheckResult: Equatable, Sendable {
    case known(CatalogEntry)
    case unknown(reason: String, suggestions: [CatalogEntry])
}

public struct EndpointChecker: Sendable {
    public let matcher: EndpointMatcher
    /// Longer paths are refused before any matching: no Canvas route comes close, and scoring
    /// suggestions for them would cost time in proportion to their length.
    public static let maxPathLength = 2_048
    /// A word longer than this is compared with catalog words as a plain mismatch, not letter by letter.
    static let maxComparedWord = 64

    public init(matcher: EndpointMatcher) { self.matcher = matcher }

    public func check(method: String, path: String) -> EndpointCheckResult {
        guard path.utf8.count <= Self.maxPathLength else {
            return .unknown(reason: "The path is longer than \(Self.maxPathLength) characters; no Canvas route is.", suggestions: [])
        }
        let cleanPath = path.trimmingCharacters(in: .whitespaces)
        guard let verb = HTTPVerb(parsing: method) else {
            let nearest = NormalisedPath(cleanPath).map { self.suggestions(for: nil, $0) } ?? []
            return .unknown(reason: "“\(method)” is not an HTTP method Canvas uses (GET, POST, PUT, PATCH, DELETE).", suggestions: nearest)
        }
        guard !cleanPath.isEmpty, let normalised = NormalisedPath(cleanPath) else {
            return .unknown(reason: "The path must start with /api/, as in /api/v1/courses/:course_id/enrollments.", suggestions: [])
        }
        guard normalised.segments.count <= RequestMatcher.maxSegments else {
            return .unknown(reason: "The path has more than \(RequestMatcher.maxSegments) segments; no Canvas route does.", suggestions: [])
        }
        if let entry = matcher.match(verb, normalised) { return .known(entry) }
        let others = HTTPVerb.allCases.filter { $0 != verb }.compactMap { matcher.match($0, normalised) }
        if !others.isEmpty {
            let verbs = others.map(\.verb.rawValue).joined(separator: ", ")
            return .unknown(reason: "Canvas has this path for \(verbs), not \(verb.rawValue).", suggestions: others)
        }
        return .unknown(reason: "Canvas's API has no \(verb.rawValue) \(Excerpt.of(normalised.description)).", suggestions: suggestions(for: verb, normalised))
    }

    /// Whether a declared path names a parameter otherwise than Canvas does (`/courses/:course_id/late_policy`
    /// where Canvas writes `/courses/:id/late_policy`): the declaration still matches, and what is
    /// kept and exported is Canvas's text.
    public static func namesParametersDifferently(_ path: String, from entry: CatalogEntry) -> Bool {
        guard let normalised = NormalisedPath(path) else { return false }
        let tokens = normalised.segments
        guard tokens.contains(where: { if case .placeholder = $0 { true } else { false } }) else { return false }
        for variant in entry.template.variants where variant.count == tokens.count {
            var differs = false
            for (token, segment) in zip(tokens, variant) {
                guard case let .placeholder(name) = token else { continue }
                switch segment {
                case let .parameter(canvas), let .glob(canvas), let .prefixed(_, canvas): if name != canvas { differs = true }
                case .literal: differs = true
                }
            }
            return differs
        }
        return true
    }

    /// The closest catalog entries: segment-by-segment edit distance, where an identifier-looking
    /// segment fits a parameter for free and near-miss words (`coures`) cost less than others.
    public func suggestions(for verb: HTTPVerb?, _ path: NormalisedPath, limit: Int = 3) -> [CatalogEntry] {
        var scored: [(Double, CatalogEntry)] = []
        // The catalog repeats a few hundred words; each input word is compared with each once.
        var wordCosts: [String: Double] = [:]
        for entry in matcher.entries {
            var best = Double.infinity
            for variant in entry.template.variants {
                best = min(best, Self.distance(path.segments, variant, memo: &wordCosts))
            }
            if let verb, entry.verb != verb { best += 0.75 }
            scored.append((best, entry))
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.key < $1.1.key }
        var result: [CatalogEntry] = []
        for (score, entry) in scored where score < 4 && result.count < limit {
            result.append(entry)
        }
        return result
    }

    static func distance(
        _ input: [NormalisedPath.Token], _ template: [RouteTemplate.Segment], memo: inout [String: Double]
    ) -> Double {
        let n = input.count, m = template.count
        var previous = (0...m).map(Double.init)
        var current = [Double](repeating: 0, count: m + 1)
        for i in 1...max(n, 1) where n > 0 {
            current[0] = Double(i)
            for j in 1...max(m, 1) where m > 0 {
                let substitution = previous[j - 1] + cost(input[i - 1], template[j - 1], memo: &memo)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[m]
    }

    static func cost(_ token: NormalisedPath.Token, _ segment: RouteTemplate.Segment, memo: inout [String: Double]) -> Double {
        switch (token, segment) {
        case (.placeholder, .parameter), (.placeholder, .glob), (.placeholder, .prefixed): return 0
        case (.placeholder, .literal): return 1
        case let (.text(text), .prefixed(prefix, _)): return text.hasPrefix(prefix) && text.count > prefix.count ? 0 : 0.8
        case let (.text(text), .parameter): return NormalisedPath.looksLikeIdentifier(text) ? 0 : 0.6
        case (.text, .glob): return 0.3
        case let (.text(text), .literal(literal)):
            if text == literal { return 0 }
            if text.utf8.count > maxComparedWord { return 1 }
            let key = text + "\u{0}" + literal
            if let known = memo[key] { return known }
            let edits = levenshtein(Array(text.lowercased()), Array(literal))
            let cost = min(1, Double(edits) / Double(max(text.count, literal.count, 1)) * 1.5)
            memo[key] = cost
            return cost
        }
    }

    static func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// A checked, accepted whitelist: what it reads and writes, and how risky it is overall.
public struct WhitelistSummary: Equatable, Sendable {
    public struct KindUse: Equatable, Sendable {
        public let kind: DataKind
        public var reads: Int
        public var writes: Int
    }

    public let entries: [CatalogEntry]
    public let overallRisk: RiskLevel?
    public let kinds: [KindUse]

    public init(_ entries: [CatalogEntry]) {
        let unique = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.entries = unique.values.sorted(by: ScopeExport.order)
        overallRisk = self.entries.map(\.risk).max()
        var uses: [DataKind: KindUse] = [:]
        for entry in self.entries {
            for kind in entry.kinds {
                var use = uses[kind] ?? KindUse(kind: kind, reads: 0, writes: 0)
                if entry.access == .read { use.reads += 1 } else { use.writes += 1 }
                uses[kind] = use
            }
        }
        kinds = uses.values.sorted { $0.kind < $1.kind }
    }

    /// "Writes grades, roster; reads user personal data" — the sentence for summaries.
    public var sentence: String {
        let writes = kinds.filter { $0.writes > 0 }.map { $0.kind.label.lowercased() }
        let reads = kinds.filter { $0.writes == 0 && $0.reads > 0 }.map { $0.kind.label.lowercased() }
        var parts: [String] = []
        if !writes.isEmpty { parts.append("writes " + writes.joined(separator: ", ")) }
        if !reads.isEmpty { parts.append("reads " + reads.joined(separator: ", ")) }
        guard let first = parts.first else { return "No endpoints declared." }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + parts.dropFirst()).joined(separator: "; ") + "."
    }
}

/// Paste-ready exports of an approved whitelist.
public enum ScopeExport {
    static func order(_ a: CatalogEntry, _ b: CatalogEntry) -> Bool {
        a.template.text != b.template.text ? a.template.text < b.template.text : a.verb < b.verb
    }

    /// One `url:VERB|path` line per endpoint, sorted by path then verb.
    public static func scopeLines(_ entries: [CatalogEntry]) -> [String] {
        WhitelistSummary(entries).entries.filter(\.isURLScopable).map(\.scope)
    }

    /// A developer key fragment with exactly these scopes and scope enforcement on.
    public static func developerKeyJSON(_ entries: [CatalogEntry], allowIncludes: Bool = false) -> String {
        let scopes = scopeLines(entries)
        let quoted = scopes.map { "    \"\(jsonEscape($0))\"" }.joined(separator: ",\n")
        return """
        {
          "allow_includes": \(allowIncludes),
          "require_scopes": true,
          "scopes": [
        \(quoted)
          ]
        }
        """
    }

    static func jsonEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

extension CatalogEntry {
    /// Canvas can restrict a developer key to these; `/api/lti` services use LTI scopes instead.
    public var isURLScopable: Bool {
        ["/api/v1/", "/api/sis/", "/api/quiz/v1/"].contains(where: template.text.hasPrefix)
    }
}
