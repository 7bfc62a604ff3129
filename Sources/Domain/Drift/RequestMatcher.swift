import Foundation

/// Matches request paths from a log, as raw bytes, against Canvas route templates: the catalog's
/// and every whitelist's, built once into one trie per method. A request resolves to a *route* — one
/// path shape (`/api/v1/courses/:x/users`); templates that differ only in parameter names share it,
/// so a whitelist written with `:id` allows what the catalog calls `:course_id`.
///
/// Built for log scans of millions of rows: matching allocates nothing, hashes each literal segment
/// once and never uses a regular expression. Literal segments win over parameters, parameters over
/// globs, with backtracking, as in `EndpointMatcher`.
public struct RequestMatcher: Sendable {
    public typealias Route = Int32
    public static let noRoute: Route = -1
    /// Paths with more segments than this never match (no Canvas route comes close).
    public static let maxSegments = 24

    /// Plain integers only, so reading a node costs no reference counting.
    struct Node: Sendable {
        var parameter: Int32 = -1
        var globRoute: Route = -1
        var route: Route = -1
        /// The literal that leads here, as a range of `literalBytes`.
        var literalStart: Int32 = 0
        var literalCount: Int32 = 0
    }

    private(set) var nodes: [Node] = []
    private var literalBytes: [UInt8] = []
    /// (parent node, literal) → child node, keyed by a 64-bit hash; the child's literal is compared
    /// on lookup, so a hash collision can only miss, never mis-match.
    private(set) var literalChildren: [UInt64: Int32] = [:]
    private var roots: [Int32] = Array(repeating: -1, count: HTTPVerb.allCases.count)
    /// "GET /api/v1/courses/:course_id/users": the first template that created each route.
    public private(set) var routeNames: [String] = []
    public private(set) var routeVerbs: [HTTPVerb] = []
    /// Whether the catalog (rather than only a whitelist) knows the route.
    public private(set) var routeInCatalog: [Bool] = []

    public init() {}

    /// Adds a template and returns the routes of all its variants (optional groups expand).
    @discardableResult
    public mutating func insert(_ verb: HTTPVerb, _ template: RouteTemplate, fromCatalog: Bool) -> [Route] {
        let verbIndex = Self.index(of: verb)
        if roots[verbIndex] < 0 {
            roots[verbIndex] = Int32(nodes.count)
            nodes.append(Node())
        }
        var routes: [Route] = []
        for variant in template.variants {
            var node = roots[verbIndex]
            var isGlob = false
            for segment in variant {
                switch segment {
                case let .literal(text):
                    var bytes = Array(text.utf8)
                    if segment == variant.last, bytes.count > 5, bytes.suffix(5).elementsEqual(".json".utf8) { bytes.removeLast(5) }
                    node = child(of: node, literal: bytes)
                case .parameter:
                    if nodes[Int(node)].parameter < 0 {
                        nodes[Int(node)].parameter = Int32(nodes.count)
                        nodes.append(Node())
                    }
                    node = nodes[Int(node)].parameter
                case .glob:
                    isGlob = true
                }
                if isGlob { break }
            }
            let existing = isGlob ? nodes[Int(node)].globRoute : nodes[Int(node)].route
            let route: Route
            if existing >= 0 {
                route = existing
                if fromCatalog { routeInCatalog[Int(route)] = true }
            } else {
                route = Route(routeNames.count)
                routeNames.append("\(verb.rawValue) \(template.text)")
                routeVerbs.append(verb)
                routeInCatalog.append(fromCatalog)
                if isGlob { nodes[Int(node)].globRoute = route } else { nodes[Int(node)].route = route }
            }
            if !routes.contains(route) { routes.append(route) }
        }
        return routes
    }

    private mutating func child(of parent: Int32, literal: [UInt8]) -> Int32 {
        let key = literal.withUnsafeBufferPointer { Self.hash(parent, $0) }
        if let found = literalChildren[key] { return found }
        let created = Int32(nodes.count)
        var node = Node()
        node.literalStart = Int32(literalBytes.count)
        node.literalCount = Int32(literal.count)
        literalBytes.append(contentsOf: literal)
        nodes.append(node)
        literalChildren[key] = created
        return created
    }

    public var routeCount: Int { routeNames.count }

    static func index(of verb: HTTPVerb) -> Int {
        switch verb {
        case .GET: 0
        case .POST: 1
        case .PUT: 2
        case .PATCH: 3
        case .DELETE: 4
        }
    }

    @inline(__always)
    static func hash(_ parent: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(UInt32(bitPattern: parent))
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The route for a request path (query string and fragment already cut off by the caller, or
    /// not: both are ignored here). The path's segments are split on `/`; empty segments (doubled or
    /// trailing slashes) are skipped; a `.json` suffix on the last segment is dropped; segments with
    /// `%` escapes are decoded before they are compared with literals.
    public func match(_ verb: HTTPVerb, path: UnsafeBufferPointer<UInt8>) -> Route {
        let root = roots[Self.index(of: verb)]
        guard root >= 0 else { return Self.noRoute }
        var segments = SegmentList()
        guard segments.split(path) else { return Self.noRoute }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(path.count, 1)) { scratch in
            search(root, 0, segments, path, scratch)
        }
    }

    public func match(_ verb: HTTPVerb, path: String) -> Route {
        var text = path
        return text.withUTF8 { match(verb, path: $0) }
    }

    private func search(_ node: Int32, _ index: Int, _ segments: SegmentList, _ path: UnsafeBufferPointer<UInt8>,
                        _ scratch: UnsafeMutableBufferPointer<UInt8>) -> Route {
        let current = nodes[Int(node)]
        guard index < segments.count else { return current.route }
        let (start, end) = segments[index]
        var segment = UnsafeBufferPointer(rebasing: path[start..<end])
        if index == segments.count - 1, segment.count > 5, Self.endsWithJSON(segment) {
            segment = UnsafeBufferPointer(rebasing: segment[segment.startIndex..<(segment.endIndex - 5)])
        }
        if segment.contains(UInt8(ascii: "%")) {
            segment = Self.percentDecode(segment, into: scratch)
        }
        if let child = literalChildren[Self.hash(node, segment)], literal(of: child, equals: segment) {
            let found = search(child, index + 1, segments, path, scratch)
            if found >= 0 { return found }
        }
        if current.parameter >= 0 {
            let found = search(current.parameter, index + 1, segments, path, scratch)
            if found >= 0 { return found }
        }
        return current.globRoute
    }

    @inline(__always)
    private func literal(of node: Int32, equals segment: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = nodes[Int(node)]
        guard Int(n.literalCount) == segment.count else { return false }
        guard let base = segment.baseAddress, segment.count > 0 else { return true }
        return literalBytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + Int(n.literalStart), base, segment.count) == 0 }
    }

    @inline(__always)
    static func endsWithJSON(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = segment.endIndex
        return segment[n - 5] == UInt8(ascii: ".") && segment[n - 4] == UInt8(ascii: "j") && segment[n - 3] == UInt8(ascii: "s")
            && segment[n - 2] == UInt8(ascii: "o") && segment[n - 1] == UInt8(ascii: "n")
    }

    /// Decodes `%XX` escapes into `scratch` (which is at least as long as the segment); a malformed
    /// escape stays as written.
    static func percentDecode(_ segment: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var out = 0
        var i = segment.startIndex
        while i < segment.endIndex {
            let byte = segment[i]
            if byte == UInt8(ascii: "%"), i + 2 < segment.endIndex, let high = hexValue(segment[i + 1]), let low = hexValue(segment[i + 2]) {
                scratch[out] = high << 4 | low
                i += 3
            } else {
                scratch[out] = byte
                i += 1
            }
            out += 1
        }
        return UnsafeBufferPointer(rebasing: scratch[0..<out])
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The segment boundaries of one path, kept inline (no allocation).
struct SegmentList {
    private var bounds: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                         UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count = 0

    /// Splits a path on `/`, stopping at `?` or `#`; false when it has more segments than fit.
    mutating func split(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = path.startIndex
        var i = path.startIndex
        let end = path.endIndex
        while true {
            let atEnd = i == end || path[i] == UInt8(ascii: "?") || path[i] == UInt8(ascii: "#")
            if atEnd || path[i] == UInt8(ascii: "/") {
                if i > start {
                    guard count < RequestMatcher.maxSegments else { return false }
                    let packed = UInt64(UInt32(truncatingIfNeeded: start)) << 32 | UInt64(UInt32(truncatingIfNeeded: i))
                    withUnsafeMutableBytes(of: &bounds) { $0.storeBytes(of: packed, toByteOffset: count * 8, as: UInt64.self) }
                    count += 1
                }
                if atEnd { return true }
                start = i + 1
            }
            i += 1
        }
    }

    subscript(index: Int) -> (Int, Int) {
        let packed = withUnsafeBytes(of: bounds) { $0.load(fromByteOffset: index * 8, as: UInt64.self) }
        return (Int(packed >> 32), Int(packed & 0xFFFF_FFFF))
    }
}
