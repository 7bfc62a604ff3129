import Foundation

/// A Canvas route path in Canvas's own syntax: literal segments, `:params`, `*globs` and optional
/// groups in parentheses (`/users/:user_id/custom_data(/*scope)`).
public struct RouteTemplate: Hashable, Sendable, CustomStringConvertible {
    public enum Segment: Hashable, Sendable {
        case literal(String)
        case parameter(String)
        case glob(String)
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
            return .literal(String(raw))
        }
    }
}
