import Foundation

/// A Canvas route path in Canvas's own syntax: literal segments, `:params`, `*globs` and optional
/// groups in parentheses (`/users/:user_id/custom_data(/*scope)`). A segment may also start with
/// literal text and end in a parameter (`by_:group`), as Rails allows.
public struct RouteTemplate: Hashable, Sendable, CustomStringConvertible {
    public enum Segment: Hashable, Sendable {
        case literal(String)
        case parameter(String)
        case glob(String)
        /// Literal text followed by a parameter in one segment: `by_:group` is `.prefixed("by_", "group")`.
        case prefixed(String, String)
    }

    /// The path exactly as written, as scope strings repeat it.
    public let text: String
    /// Every concrete shape the optional groups allow, shortest first.
    public let variants: [[Segment]]

    public var description: String { text }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(_ text: String) throws {
        guard text.hasPrefix("/") else { throw Invalid(reason: "a path must start with /") }
        guard !text.contains(where: { $0.isWhitespace }) else { throw Invalid(reason: "a path has no spaces") }
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth < 0 { throw Invalid(reason: "a ')' has no matching '('") }
        }
        guard depth == 0 else { throw Invalid(reason: "a '(' is never closed") }
        self.text = text
        let expanded = Self.expand(Substring(text))
        var seen = Set<[Segment]>()
        variants = try expanded.map { try Self.segments($0) }
            .filter { seen.insert($0).inserted }
            .sorted { $0.count < $1.count }
    }

    /// Expands optional groups: "a(b)c" → ["ac", "abc"]; nested groups work too.
    static func expand(_ text: Substring) -> [String] {
        guard let open = text.firstIndex(of: "(") else { return [String(text)] }
        var depth = 0
        var close = open
        for index in text[open...].indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" { depth -= 1; if depth == 0 { close = index; break } }
        }
        let before = text[..<open]
        let inner = text[text.index(after: open)..<close]
        let after = text[text.index(after: close)...]
        let tails = expand(after)
        var result: [String] = []
        for tail in tails { result.append(before + tail) }
        for middle in expand(inner) { for tail in tails { result.append(before + middle + tail) } }
        return result
    }

    static func segments(_ path: String) throws -> [Segment] {
        try path.split(separator: "/", omittingEmptySubsequences: true).map { raw in
            if raw.hasPrefix(":") {
                guard raw.count > 1 else { throw Invalid(reason: "a ':' parameter needs a name") }
                return .parameter(String(raw.dropFirst()))
            }
            if raw.hasPrefix("*") {
                guard raw.count > 1 else { throw Invalid(reason: "a '*' glob needs a name") }
                return .glob(String(raw.dropFirst()))
            }
            if let colon = raw.firstIndex(of: ":"), colon != raw.startIndex {
                let name = raw[raw.index(after: colon)...]
                guard !name.isEmpty, !name.contains(":") else { throw Invalid(reason: "'\(raw)' names no parameter after ':'") }
                return .prefixed(String(raw[..<colon]), String(name))
            }
            return .literal(String(raw))
        }
    }

    /// The path with parameter and glob names erased, one line per variant: two templates with the
    /// same shape are the same route to Canvas (`/courses/:id/late_policy` and
    /// `/courses/:course_id/late_policy`).
    public var shape: String {
        variants.map { variant in
            "/" + variant.map { segment in
                switch segment {
                case let .literal(text): text
                case .parameter: ":"
                case .glob: "*"
                case let .prefixed(prefix, _): prefix + ":"
                }
            }.joined(separator: "/")
        }.joined(separator: " ")
    }
}

/// A pattern a route table states for one parameter (`bucket` must be `running|queued|future|failed`),
/// or a check Canvas makes at run time on the request, which no path can satisfy by itself.
public struct RouteConstraint: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case pattern(parameter: String, regex: String)
        case request(String)
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// Reads the catalog's notation: `bucket=running|queued` or `request=Lti::ReRegConstraint`.
    public init?(notation: String) {
        guard let equals = notation.firstIndex(of: "="), equals != notation.startIndex else { return nil }
        let name = String(notation[..<equals])
        let value = String(notation[notation.index(after: equals)...])
        guard !value.isEmpty else { return nil }
        if name == "request" {
            kind = .request(value)
        } else {
            guard (try? NSRegularExpression(pattern: value)) != nil else { return nil }
            kind = .pattern(parameter: name, regex: value)
        }
    }

    public var description: String {
        switch kind {
        case let .pattern(parameter, regex): "\(parameter)=\(regex)"
        case let .request(check): "request=\(check)"
        }
    }
}
