import Foundation

/// Finds the catalog entry for a method and path the way Canvas's router does (see `RequestMatcher`,
/// which it matches through, as the drift scan does): the first route in Canvas's definition order
/// whose method, path and constraints match. Where definition order and "literal before parameter"
/// disagree, definition order wins: `GET …/temporary_enrollment_pairings/new` is Canvas's
/// `…/temporary_enrollment_pairings/:id`, because that route is drawn first.
public struct EndpointMatcher: Sendable {
    private let core: RequestMatcher
    /// Per route of `core`, the entry that made it (the earliest in route order).
    private let entryByRoute: [CatalogEntry]
    public let entries: [CatalogEntry]

    public init(_ entries: [CatalogEntry]) {
        var core = RequestMatcher()
        var entryByRoute: [CatalogEntry] = []
        // Earliest first, so each route keeps the entry Canvas would route to.
        for entry in entries.enumerated().sorted(by: { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }).map(\.element) {
            let order = entry.order < CatalogEntry.unordered ? entry.order : nil
            for route in core.insert(entry.verb, entry.template, fromCatalog: true, order: order, constraints: entry.constraints)
            where Int(route) >= entryByRoute.count {
                entryByRoute.append(entry)
            }
        }
        self.core = core
        self.entryByRoute = entryByRoute
        self.entries = entries
    }

    /// The entry for a path from a request or a vendor's list; nil when the catalog has none.
    public func match(_ verb: HTTPVerb, _ path: NormalisedPath) -> CatalogEntry? {
        let route = core.match(verb, path: path.routingText, placeholders: true)
        return route >= 0 && Int(route) < entryByRoute.count ? entryByRoute[Int(route)] : nil
    }

    public func match(_ verb: HTTPVerb, _ rawPath: String) -> CatalogEntry? {
        guard let path = NormalisedPath(rawPath) else { return nil }
        return match(verb, path)
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

    /// The path again for `RequestMatcher`: decoded text re-escaped where it would split or end a
    /// segment, placeholders as `:name`.
    var routingText: String {
        "/" + segments.map { token in
            switch token {
            case let .text(text):
                text.utf8.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
                    ? Self.escaped(text) : text
            case let .placeholder(name): ":" + name
            }
        }.joined(separator: "/")
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": out += "%25"
            case "/": out += "%2F"
            case "?": out += "%3F"
            case "#": out += "%23"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
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
