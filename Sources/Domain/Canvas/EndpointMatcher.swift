import Foundation

/// Finds the catalog entry for a method and path. Built once from the catalog (a trie per method);
/// matching walks it segment by segment, preferring literal segments over `:params` over `*globs`,
/// so `/assignments/overrides` finds its own route rather than `/assignments/:id`. No regular
/// expressions are involved.
public struct EndpointMatcher: Sendable {
    final class Node: @unchecked Sendable {
        var literals: [String: Node] = [:]
        var parameter: Node?
        var globEntry: CatalogEntry?
        var entry: CatalogEntry?
    }

    private let roots: [HTTPVerb: Node]
    public let entries: [CatalogEntry]

    public init(_ entries: [CatalogEntry]) {
        var roots: [HTTPVerb: Node] = [:]
        for entry in entries {
            let root = roots[entry.verb] ?? Node()
            roots[entry.verb] = root
            for variant in entry.template.variants {
                var node = root
                for segment in variant {
                    switch segment {
                    case let .literal(text):
                        let next = node.literals[text] ?? Node()
                        node.literals[text] = next
                        node = next
                    case .parameter:
                        let next = node.parameter ?? Node()
                        node.parameter = next
                        node = next
                    case .glob:
                        // A glob takes one or more of the remaining segments.
                        if node.globEntry == nil { node.globEntry = entry }
                    }
                }
                if case .glob = variant.last { continue }
                if node.entry == nil { node.entry = entry }
            }
        }
        self.roots = roots
        self.entries = entries
    }

    /// The entry for a path from a request or a vendor's list; nil when the catalog has none.
    public func match(_ verb: HTTPVerb, _ path: NormalisedPath) -> CatalogEntry? {
        guard let root = roots[verb] else { return nil }
        return Self.search(root, path.segments[...])
    }

    public func match(_ verb: HTTPVerb, _ rawPath: String) -> CatalogEntry? {
        guard let path = NormalisedPath(rawPath) else { return nil }
        return match(verb, path)
    }

    static func search(_ node: Node, _ rest: ArraySlice<NormalisedPath.Token>) -> CatalogEntry? {
        guard let token = rest.first else { return node.entry }
        let remaining = rest.dropFirst()
        if case let .text(text) = token, let next = node.literals[text], let found = search(next, remaining) {
            return found
        }
        if let parameter = node.parameter, let found = search(parameter, remaining) { return found }
        return node.globEntry
    }
}

/// A request path reduced to what routing looks at: no scheme or host, no query string or fragment,
/// no trailing or doubled slashes, no `.json` suffix, percent-escapes decoded. Segments written as
/// placeholders (`:course_id`, `{course_id}`, `<course_id>`) match only parameters.
public struct NormalisedPath: Hashable, Sendable, CustomStringConvertible {
    public enum Token: Hashable, Sendable {
        case text(String)
        case placeholder(String)
    }

    public let segments: [Token]

    public var description: String {
        "/" + segments.map { token in
            switch token {
            case let .text(text): text
            case let .placeholder(name): ":" + name
            }
        }.joined(separator: "/")
    }

    public init?(_ raw: String) {
        var path = Substring(raw.trimmingCharacters(in: .whitespaces))
        if let scheme = path.range(of: "://") {
            let afterScheme = path[scheme.upperBound...]
            guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
            path = afterScheme[slash...]
        }
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        guard path.hasPrefix("/") else { return nil }
        var tokens: [Token] = []
        for piece in path.split(separator: "/", omittingEmptySubsequences: true) {
            let decoded = piece.contains("%") ? (piece.removingPercentEncoding ?? String(piece)) : String(piece)
            if decoded.count > 1, decoded.hasPrefix(":") {
                tokens.append(.placeholder(String(decoded.dropFirst())))
            } else if decoded.count > 2, (decoded.hasPrefix("{") && decoded.hasSuffix("}")) || (decoded.hasPrefix("<") && decoded.hasSuffix(">")) {
                tokens.append(.placeholder(String(decoded.dropFirst().dropLast())))
            } else {
                tokens.append(.text(decoded))
            }
        }
        if case let .text(last) = tokens.last, last.hasSuffix(".json"), last.count > 5 {
            tokens[tokens.count - 1] = .text(String(last.dropLast(5)))
        }
        guard !tokens.isEmpty else { return nil }
        segments = tokens
    }

    /// Whether a concrete segment looks like a Canvas identifier: numeric, global (`10000000000008`),
    /// sharded (`1~8`), SIS-prefixed (`sis_course_id:ABC-101`), a UUID, or `self`.
    public static func looksLikeIdentifier(_ text: String) -> Bool {
        if text == "self" { return true }
        if !text.isEmpty, text.allSatisfy(\.isNumber) { return true }
        let shard = text.split(separator: "~", omittingEmptySubsequences: false)
        if shard.count == 2, shard.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return true }
        if text.hasPrefix("sis_"), text.contains(":") { return true }
        if text.hasPrefix("lti_"), text.contains(":") { return true }
        if UUID(uuidString: text) != nil { return true }
        return false
    }
}
