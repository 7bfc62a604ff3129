import Foundation

/// Matches request paths, as raw bytes, against Canvas route templates the way Canvas's router does:
/// a request goes to the first route, in the route table's definition order, whose method and path
/// match and whose constraints hold (`jobs2/:bucket` only for `running|queued|future|failed`). Routes
/// without a place in that order (a whitelist's own templates, documented-only endpoints) come after
/// every route that has one, earliest inserted first. The endpoint checker and the drift scan both
/// match through this type.
///
/// A *route* is one path shape (`/api/v1/courses/:x/users`) with one set of constraints: templates
/// that differ only in parameter names share it, so a whitelist written with `:id` allows what the
/// catalog calls `:course_id`.
///
/// Built for log scans of millions of rows: matching allocates nothing, hashes each literal segment
/// once and evaluates a regular expression only for the few routes whose table states a pattern.
/// Each node knows the earliest route below it, so the search skips branches that cannot win.
public struct RequestMatcher: Sendable {
    public typealias Route = Int32
    public static let noRoute: Route = -1
    /// Paths with more segments than this never match (no Canvas route comes close).
    public static let maxSegments = 24
    /// The order given to templates that have no place in Canvas's table.
    public static let lastOrder = Int32.max - 1

    /// Plain integers only, so reading a node costs no reference counting.
    struct Node: Sendable {
        var parameter: Int32 = -1
        /// Heads of linked lists in `terminals` (sorted by order) and `prefixedEdges`.
        var terminal: Int32 = -1
        var globTerminal: Int32 = -1
        var prefixed: Int32 = -1
        /// The earliest order of any route at or below this node.
        var minOrder: Int32 = .max
        /// The literal that leads here, as a range of `literalBytes`.
        var literalStart: Int32 = 0
        var literalCount: Int32 = 0
    }

    struct Terminal: Sendable {
        var route: Route
        var order: Int32
        /// A range of `constraintRefs`.
        var constraintStart: Int32
        var constraintCount: Int32
        var next: Int32 = -1
    }

    /// A parameter at a segment position whose value must match `patterns[pattern]`; pattern -1 is a
    /// check Canvas makes on the request at run time, which a path alone never passes.
    struct ConstraintRef: Sendable, Equatable {
        var segment: Int32
        var pattern: Int32
    }

    /// `by_:group`: the literal start of a segment and the node its parameter leads to.
    struct PrefixedEdge: Sendable {
        var literalStart: Int32
        var literalCount: Int32
        var child: Int32
        var next: Int32
    }

    private(set) var nodes: [Node] = []
    private var terminals: [Terminal] = []
    private var constraintRefs: [ConstraintRef] = []
    private var prefixedEdges: [PrefixedEdge] = []
    private var patterns: [Pattern] = []
    private var patternIndex: [String: Int32] = [:]
    private var literalBytes: [UInt8] = []
    /// (parent node, literal) → child node, keyed by a 64-bit hash; the child's literal is compared
    /// on lookup, so a hash collision can only miss, never mis-match.
    private(set) var literalChildren: [UInt64: Int32] = [:]
    private var roots: [Int32] = Array(repeating: -1, count: HTTPVerb.allCases.count)
    /// "GET /api/v1/courses/:course_id/users": the first template that created each route.
    public private(set) var routeNames: [String] = []
    public private(set) var routeVerbs: [HTTPVerb] = []
    public private(set) var routeOrders: [Int32] = []
    /// Whether the catalog (rather than only a whitelist) knows the route.
    public private(set) var routeInCatalog: [Bool] = []
    private var nextUnordered: Int32 = 0

    final class Pattern: @unchecked Sendable {
        // NSRegularExpression is immutable once made; matching from several threads is safe.
        let regex: NSRegularExpression
        init(_ regex: NSRegularExpression) { self.regex = regex }
    }

    public init() {}

    /// Adds a template and returns the routes of all its variants (optional groups expand). `order`
    /// is the route's place in Canvas's table; nil puts it after every ordered route.
    @discardableResult
    public mutating func insert(_ verb: HTTPVerb, _ template: RouteTemplate, fromCatalog: Bool, order: Int? = nil,
                                constraints: [RouteConstraint] = []) -> [Route] {
        let verbIndex = Self.index(of: verb)
        if roots[verbIndex] < 0 {
            roots[verbIndex] = Int32(nodes.count)
            nodes.append(Node())
        }
        let rank: Int32
        if let order, order >= 0, order < Int(Self.lastOrder) / 2 {
            rank = Int32(order)
        } else {
            // After every table route, in insertion order, so two unordered templates never tie.
            rank = Self.lastOrder / 2 + min(nextUnordered, Self.lastOrder / 2 - 1)
            nextUnordered += 1
        }
        var routes: [Route] = []
        for variant in template.variants {
            var node = roots[verbIndex]
            var path: [Int32] = [node]
            var isGlob = false
            var positions: [String: Int32] = [:]
            for (position, segment) in variant.enumerated() {
                switch segment {
                case let .literal(text):
                    var bytes = Array(text.utf8)
                    if position == variant.count - 1, bytes.count > 5, bytes.suffix(5).elementsEqual(".json".utf8) { bytes.removeLast(5) }
                    node = child(of: node, literal: bytes)
                case let .parameter(name):
                    positions[name] = Int32(position)
                    if nodes[Int(node)].parameter < 0 {
                        nodes[Int(node)].parameter = Int32(nodes.count)
                        nodes.append(Node())
                    }
                    node = nodes[Int(node)].parameter
                case let .prefixed(prefix, name):
                    positions[name] = Int32(position)
                    node = prefixedChild(of: node, prefix: Array(prefix.utf8))
                case .glob:
                    isGlob = true
                }
                if isGlob { break }
                path.append(node)
            }
            let refs = constraintReferences(constraints, positions: positions)
            let route = addTerminal(at: node, glob: isGlob, order: rank, refs: refs, verb: verb, name: "\(verb.rawValue) \(template.text)",
                                    fromCatalog: fromCatalog)
            for ancestor in path where nodes[Int(ancestor)].minOrder > rank { nodes[Int(ancestor)].minOrder = rank }
            if !routes.contains(route) { routes.append(route) }
        }
        return routes
    }

    private mutating func constraintReferences(_ constraints: [RouteConstraint], positions: [String: Int32]) -> [ConstraintRef] {
        var refs: [ConstraintRef] = []
        for constraint in constraints {
            switch constraint.kind {
            case let .pattern(parameter, regex):
                // A pattern for a parameter this variant lacks (an optional group left out) does not apply.
                guard let position = positions[parameter] else { continue }
                let index: Int32
                if let known = patternIndex[regex] {
                    index = known
                } else if let compiled = try? NSRegularExpression(pattern: "^(?:\(regex))$") {
                    index = Int32(patterns.count)
                    patterns.append(Pattern(compiled))
                    patternIndex[regex] = index
                } else {
                    index = -1
                }
                refs.append(ConstraintRef(segment: position, pattern: index))
            case .request:
                refs.append(ConstraintRef(segment: -1, pattern: -1))
            }
        }
        return refs
    }

    /// Puts a route at a node's terminal list (sorted by order). A template with the same shape and
    /// the same constraints as one already there is the same route; the earlier order stays.
    private mutating func addTerminal(at node: Int32, glob: Bool, order: Int32, refs: [ConstraintRef], verb: HTTPVerb, name: String,
                                      fromCatalog: Bool) -> Route {
        var cursor = glob ? nodes[Int(node)].globTerminal : nodes[Int(node)].terminal
        while cursor >= 0 {
            let terminal = terminals[Int(cursor)]
            let existing = Array(constraintRefs[Int(terminal.constraintStart)..<Int(terminal.constraintStart + terminal.constraintCount)])
            if existing == refs {
                if fromCatalog { routeInCatalog[Int(terminal.route)] = true }
                if order < terminal.order {
                    unlink(cursor, at: node, glob: glob)
                    terminals[Int(cursor)].order = order
                    routeOrders[Int(terminal.route)] = order
                    link(cursor, at: node, glob: glob)
                }
                return terminal.route
            }
            cursor = terminal.next
        }
        let route = Route(routeNames.count)
        routeNames.append(name)
        routeVerbs.append(verb)
        routeOrders.append(order)
        routeInCatalog.append(fromCatalog)
        let start = Int32(constraintRefs.count)
        constraintRefs.append(contentsOf: refs)
        terminals.append(Terminal(route: route, order: order, constraintStart: start, constraintCount: Int32(refs.count)))
        link(Int32(terminals.count - 1), at: node, glob: glob)
        if nodes[Int(node)].minOrder > order { nodes[Int(node)].minOrder = order }
        return route
    }

    private mutating func link(_ index: Int32, at node: Int32, glob: Bool) {
        let order = terminals[Int(index)].order
        var head = glob ? nodes[Int(node)].globTerminal : nodes[Int(node)].terminal
        if head < 0 || terminals[Int(head)].order > order {
            terminals[Int(index)].next = head
            head = index
        } else {
            var cursor = head
            while terminals[Int(cursor)].next >= 0, terminals[Int(terminals[Int(cursor)].next)].order <= order {
                cursor = terminals[Int(cursor)].next
            }
            terminals[Int(index)].next = terminals[Int(cursor)].next
            terminals[Int(cursor)].next = index
        }
        if glob { nodes[Int(node)].globTerminal = head } else { nodes[Int(node)].terminal = head }
    }

    private mutating func unlink(_ index: Int32, at node: Int32, glob: Bool) {
        let head = glob ? nodes[Int(node)].globTerminal : nodes[Int(node)].terminal
        if head == index {
            if glob { nodes[Int(node)].globTerminal = terminals[Int(index)].next } else { nodes[Int(node)].terminal = terminals[Int(index)].next }
        } else {
            var cursor = head
            while cursor >= 0, terminals[Int(cursor)].next != index { cursor = terminals[Int(cursor)].next }
            if cursor >= 0 { terminals[Int(cursor)].next = terminals[Int(index)].next }
        }
        terminals[Int(index)].next = -1
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

    private mutating func prefixedChild(of parent: Int32, prefix: [UInt8]) -> Int32 {
        var cursor = nodes[Int(parent)].prefixed
        while cursor >= 0 {
            let edge = prefixedEdges[Int(cursor)]
            if literalBytes[Int(edge.literalStart)..<Int(edge.literalStart + edge.literalCount)].elementsEqual(prefix) { return edge.child }
            cursor = edge.next
        }
        let created = Int32(nodes.count)
        nodes.append(Node())
        prefixedEdges.append(PrefixedEdge(literalStart: Int32(literalBytes.count), literalCount: Int32(prefix.count), child: created,
                                          next: nodes[Int(parent)].prefixed))
        literalBytes.append(contentsOf: prefix)
        nodes[Int(parent)].prefixed = Int32(prefixedEdges.count - 1)
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
    /// `%` escapes are decoded before they are compared. With `placeholders`, a segment written as a
    /// placeholder (`:course_id`, `{course_id}`, `<course_id>`) matches parameters only.
    public func match(_ verb: HTTPVerb, path: UnsafeBufferPointer<UInt8>, placeholders: Bool = false) -> Route {
        let root = roots[Self.index(of: verb)]
        guard root >= 0 else { return Self.noRoute }
        var segments = SegmentList()
        guard segments.split(path) else { return Self.noRoute }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(path.count, 1)) { scratch in
            var best = Best()
            search(root, 0, segments, path, scratch, placeholders, &best)
            return best.route
        }
    }

    public func match(_ verb: HTTPVerb, path: String, placeholders: Bool = false) -> Route {
        var text = path
        return text.withUTF8 { match(verb, path: $0, placeholders: placeholders) }
    }

    struct Best {
        var route: Route = RequestMatcher.noRoute
        var order: Int32 = .max
    }

    /// The segment at `index`, `.json` dropped from the last, percent-decoded into its own part of
    /// `scratch` (decoding never lengthens a segment, so segments never overlap there).
    @inline(__always)
    private func segment(_ index: Int, _ segments: SegmentList, _ path: UnsafeBufferPointer<UInt8>,
                         _ scratch: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let (start, end) = segments[index]
        var segment = UnsafeBufferPointer(rebasing: path[start..<end])
        if index == segments.count - 1, segment.count > 5, Self.endsWithJSON(segment) {
            segment = UnsafeBufferPointer(rebasing: segment[segment.startIndex..<(segment.endIndex - 5)])
        }
        if segment.contains(UInt8(ascii: "%")) {
            let region = UnsafeMutableBufferPointer(rebasing: scratch[(start - path.startIndex)..<(end - path.startIndex)])
            segment = Self.percentDecode(segment, into: region)
        }
        return segment
    }

    private func search(_ node: Int32, _ index: Int, _ segments: SegmentList, _ path: UnsafeBufferPointer<UInt8>,
                        _ scratch: UnsafeMutableBufferPointer<UInt8>, _ placeholders: Bool, _ best: inout Best) {
        let current = nodes[Int(node)]
        guard current.minOrder < best.order else { return }
        guard index < segments.count else {
            settle(current.terminal, segments, path, scratch, &best)
            return
        }
        let segment = self.segment(index, segments, path, scratch)
        let isPlaceholder = placeholders && Self.isPlaceholder(segment)
        if !isPlaceholder {
            if let child = literalChildren[Self.hash(node, segment)], literal(of: child, equals: segment) {
                search(child, index + 1, segments, path, scratch, placeholders, &best)
            }
            var edge = current.prefixed
            while edge >= 0 {
                let prefix = prefixedEdges[Int(edge)]
                if segment.count > Int(prefix.literalCount), hasPrefix(segment, prefix) {
                    search(prefix.child, index + 1, segments, path, scratch, placeholders, &best)
                }
                edge = prefix.next
            }
        }
        if current.parameter >= 0 {
            search(current.parameter, index + 1, segments, path, scratch, placeholders, &best)
        }
        settle(current.globTerminal, segments, path, scratch, &best)
    }

    /// The first route of a terminal list (sorted by order) that beats `best` and whose constraints hold.
    private func settle(_ head: Int32, _ segments: SegmentList, _ path: UnsafeBufferPointer<UInt8>,
                        _ scratch: UnsafeMutableBufferPointer<UInt8>, _ best: inout Best) {
        var cursor = head
        while cursor >= 0 {
            let terminal = terminals[Int(cursor)]
            guard terminal.order < best.order else { return }
            if terminal.constraintCount == 0 || constraintsHold(terminal, segments, path, scratch) {
                best = Best(route: terminal.route, order: terminal.order)
                return
            }
            cursor = terminal.next
        }
    }

    private func constraintsHold(_ terminal: Terminal, _ segments: SegmentList, _ path: UnsafeBufferPointer<UInt8>,
                                 _ scratch: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        for ref in constraintRefs[Int(terminal.constraintStart)..<Int(terminal.constraintStart + terminal.constraintCount)] {
            guard ref.pattern >= 0, Int(ref.segment) < segments.count else { return false }
            let bytes = segment(Int(ref.segment), segments, path, scratch)
            let value = String(decoding: bytes, as: UTF8.self)
            let regex = patterns[Int(ref.pattern)].regex
            let range = NSRange(value.startIndex..<value.endIndex, in: value)
            guard regex.firstMatch(in: value, options: [.anchored], range: range) != nil else { return false }
        }
        return true
    }

    @inline(__always)
    private func hasPrefix(_ segment: UnsafeBufferPointer<UInt8>, _ edge: PrefixedEdge) -> Bool {
        guard let base = segment.baseAddress else { return edge.literalCount == 0 }
        return literalBytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + Int(edge.literalStart), base, Int(edge.literalCount)) == 0 }
    }

    /// `:name`, `{name}` or `<name>`: how people write a parameter in a declared path.
    @inline(__always)
    static func isPlaceholder(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = segment.first, let last = segment.last else { return false }
        if first == UInt8(ascii: ":") { return segment.count > 1 }
        return segment.count > 2 && ((first == UInt8(ascii: "{") && last == UInt8(ascii: "}")) || (first == UInt8(ascii: "<") && last == UInt8(ascii: ">")))
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
