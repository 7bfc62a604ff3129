import Foundation

/// Scans Canvas request logs (CSV with a header row, or JSON Lines) for scope drift. Feed it bytes in
/// any chunk sizes — straight from a file or a decompressor — and call `finish()`. Memory stays
/// bounded whatever the log's size: one buffer, capped maps for unknown keys and findings, and a
/// capped user-agent cache. Not thread-safe; one scanner reads one stream on one core.
public final class DriftScanner {
    public static let bufferSize = 1 << 20
    /// The longest row read with the default buffer; a buffer always holds several of the longest.
    public static let maxRowLength = 64 * 1024
    public static let malformedSampleLimit = 100
    public static let unknownKeyLimit = 10_000
    public static let findingLimit = 50_000
    static let userAgentCacheLimit = 100_000

    enum Format { case undetected, csv(slots: [Int8]), jsonl }

    private let matcher: RequestMatcher
    private let targets: [DriftTarget]
    /// Per target, one bit per route it may call.
    private let allowed: [UInt64]
    private let wordsPerTarget: Int
    private let keyIndexByNumber: [UInt64: Int32]
    private let keyIndexByText: [String: Int32]
    private let keyTarget: [Int32]
    private let keyRefs: [(target: Int, key: DriftTarget.Key)]
    private let otherKeysByNumber: Set<UInt64>
    private let otherKeysByText: Set<String>
    private let userTargetByNumber: [UInt64: Int32]
    private let userTargetByText: [String: Int32]
    private let userAgentPatterns: [(bytes: [UInt8], target: Int32)]
    private var userAgentCache: [UInt64: Int32] = [:]
    private let columns: WebLogColumns
    private let jsonNames: [([UInt8], Int8)]

    private var format = Format.undetected
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var filled = 0
    private var skippingToLineEnd = false
    private var atEOF = false
    private var fileOpen = true
    private var fileName = ""
    /// The physical line number of the next row to read (the header is line 1).
    private var line = 1

    // Counters and aggregates.
    private var rows = 0
    private var malformed = 0
    private var malformedSamples: [MalformedRow] = []
    private var attributed = 0
    private var unattributed = 0
    private var ignored = 0
    private var otherKnownKeyRequests = 0
    private var firstSeen: [UInt8] = []
    private var lastSeen: [UInt8] = []
    private var perTarget: [TargetCounts]
    private var keySeen: [Int]
    private var findings: [FindingKey: FindingAggregate] = [:]
    private var findingsNotListed = 0
    private var unknownKeys: [String: FindingAggregate] = [:]
    private var unknownKeysNotListed = Set<String>()

    struct TargetCounts { var requests = 0, inScope = 0, outOfScope = 0, includeFlagged = 0, notAPI = 0 }

    struct FindingKey: Hashable {
        let target: Int32
        let kind: DriftFindingKind
        let verb: HTTPVerb
        let route: Int32
        let path: String
    }

    struct FindingAggregate {
        var count = 0
        var first: [UInt8] = []
        var last: [UInt8] = []
        var userAgents: [String] = []
        var samplePath = ""
    }

    private let capacity: Int
    private let maxRow: Int

    /// The catalog's routes, earliest in Canvas's route order first, as the endpoint checker has them.
    public static func catalogMatcher(_ catalog: [DriftTarget.Endpoint]) -> RequestMatcher {
        var matcher = RequestMatcher()
        let ordered = catalog.enumerated().sorted { ($0.element.order ?? .max, $0.offset) < ($1.element.order ?? .max, $1.offset) }
        for (_, endpoint) in ordered {
            if let template = try? RouteTemplate(endpoint.template) {
                matcher.insert(endpoint.verb, template, fromCatalog: true, order: endpoint.order, constraints: endpoint.constraints)
            }
        }
        return matcher
    }

    /// `bufferSize` is for tests and the fuzzer (small buffers reach every boundary case sooner); the
    /// longest row accepted is a sixteenth of it, at most `maxRowLength`.
    public init(_ setup: DriftSetup, bufferSize: Int = DriftScanner.bufferSize) {
        precondition(bufferSize >= 256)
        capacity = bufferSize
        maxRow = min(Self.maxRowLength, bufferSize / 16)
        var matcher = Self.catalogMatcher(setup.catalog)
        var routesPerTarget: [[RequestMatcher.Route]] = []
        for target in setup.targets {
            var routes: [RequestMatcher.Route] = []
            for endpoint in target.whitelist {
                if let template = try? RouteTemplate(endpoint.template) { routes += matcher.insert(endpoint.verb, template, fromCatalog: false) }
            }
            routesPerTarget.append(routes)
        }
        let words = max(1, (matcher.routeCount + 63) / 64)
        var allowed = [UInt64](repeating: 0, count: words * max(setup.targets.count, 1))
        for (index, routes) in routesPerTarget.enumerated() {
            for route in routes { allowed[index * words + Int(route) / 64] |= 1 << UInt64(Int(route) % 64) }
        }
        var keyIndexByNumber: [UInt64: Int32] = [:]
        var keyIndexByText: [String: Int32] = [:]
        var keyTarget: [Int32] = []
        var keyRefs: [(target: Int, key: DriftTarget.Key)] = []
        var userByNumber: [UInt64: Int32] = [:]
        var userByText: [String: Int32] = [:]
        var patterns: [(bytes: [UInt8], target: Int32)] = []
        for (index, target) in setup.targets.enumerated() {
            for key in target.keys {
                let id = key.canvasKeyID.trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty else { continue }
                let keyIndex = Int32(keyRefs.count)
                keyRefs.append((index, key))
                keyTarget.append(Int32(index))
                if let number = Self.number(Array(id.utf8)) { keyIndexByNumber[number] = keyIndex } else { keyIndexByText[id] = keyIndex }
            }
            for user in target.serviceAccountUserIDs {
                let id = user.trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty else { continue }
                if let number = Self.number(Array(id.utf8)) { userByNumber[number] = Int32(index) } else { userByText[id] = Int32(index) }
            }
            for pattern in target.userAgentPatterns {
                let lowered = Array(pattern.trimmingCharacters(in: .whitespaces).lowercased().utf8)
                if !lowered.isEmpty { patterns.append((lowered, Int32(index))) }
            }
        }
        var otherNumbers = Set<UInt64>()
        var otherTexts = Set<String>()
        for key in setup.otherKnownKeys {
            let id = key.trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { continue }
            if let number = Self.number(Array(id.utf8)) { otherNumbers.insert(number) } else { otherTexts.insert(id) }
        }
        self.matcher = matcher
        self.targets = setup.targets
        self.allowed = allowed
        self.wordsPerTarget = words
        self.keyIndexByNumber = keyIndexByNumber
        self.keyIndexByText = keyIndexByText
        self.keyTarget = keyTarget
        self.keyRefs = keyRefs
        self.otherKeysByNumber = otherNumbers
        self.otherKeysByText = otherTexts
        self.userTargetByNumber = userByNumber
        self.userTargetByText = userByText
        self.userAgentPatterns = patterns
        self.columns = setup.columns
        var names: [([UInt8], Int8)] = []
        for field in WebLogField.allCases {
            let chosen = setup.columns.overrides[field].map { [$0.lowercased()] } ?? field.aliases
            for name in chosen { names.append((Array(name.utf8), Int8(field.slot))) }
        }
        self.jsonNames = names
        self.perTarget = Array(repeating: TargetCounts(), count: setup.targets.count)
        self.keySeen = Array(repeating: 0, count: keyRefs.count)
        self.buffer = .allocate(capacity: bufferSize)
    }

    deinit { buffer.deallocate() }

    /// Rows read so far (for progress).
    public var rowsRead: Int { rows }

    /// Lets a reader write straight into the scanner's buffer: `body` gets the free space and returns
    /// how many bytes it wrote (0 at the end of the input). Complete rows are scanned at once.
    @discardableResult
    public func fill(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int {
        let space = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[filled...])
        let written = try body(space)
        precondition(written >= 0 && written <= space.count)
        filled += written
        try process()
        return written
    }

    /// Scans bytes from anywhere (copied through the buffer).
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            offset += try fill { space in
                let n = min(space.count, bytes.count - offset)
                space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
                return n
            }
        }
    }

    public func feed(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    /// Starts the next file of a scan over several: each file has its own header and line numbers;
    /// the counts and findings add up. Malformed rows name the file.
    public func startFile(named name: String) throws {
        var nothingRead = false
        if case .undetected = format, filled == 0 { nothingRead = true }
        if fileOpen, !nothingRead { try endFile() }
        fileName = name
        format = .undetected
        filled = 0
        line = 1
        atEOF = false
        skippingToLineEnd = false
        fileOpen = true
    }

    /// Ends the current file: its last row needs no line break.
    public func endFile() throws {
        guard fileOpen else { return }
        fileOpen = false
        atEOF = true
        try process()
        if case .undetected = format { throw WebLogError.emptyFile }
    }

    /// Ends the input and returns the report.
    public func finish() throws -> DriftReport {
        try endFile()
        return report()
    }

    // MARK: - Reading rows

    private func process() throws {
        let bytes = UnsafeBufferPointer(buffer)
        var position = 0
        if case .undetected = format {
            guard let (detected, headerEnd) = try detect(UnsafeBufferPointer(rebasing: bytes[0..<filled])) else {
                if filled == capacity { throw WebLogError.missingColumns(["header"], found: []) }
                return
            }
            format = detected
            position = headerEnd
        }
        var fields = LogRowFields()
        let limit = filled
        let view = UnsafeBufferPointer(rebasing: bytes[0..<limit])
        while position < limit {
            if skippingToLineEnd {
                var i = position
                while i < limit, view[i] != WebLogRowReader.newline { i += 1 }
                if i == limit { position = limit; break }
                skippingToLineEnd = false
                line += 1
                position = i + 1
                continue
            }
            switch format {
            case .undetected:
                return
            case let .csv(slots):
                var columnsSeen = 0
                switch WebLogRowReader.csvRecord(view, from: position, slots: slots, atEOF: atEOF, maxLength: maxRow,
                                                 into: &fields, columnsSeen: &columnsSeen) {
                case let .row(end, lines):
                    let rowLine = line
                    line += lines
                    let blank = end - position <= 2 && (end == position + 1 || view[position] == WebLogRowReader.cr)
                    if !blank {
                        if columnsSeen < slots.count {
                            rows += 1
                            reject(rowLine, "\(columnsSeen) column\(columnsSeen == 1 ? "" : "s"), the header has \(slots.count)")
                        } else {
                            handle(view, fields, line: rowLine, json: false)
                        }
                    }
                    position = end
                case .incomplete:
                    compact(from: position)
                    return
                case .tooLong:
                    rows += 1
                    reject(line, "longer than \(Self.describe(maxRow)) (an unclosed quote?)")
                    skippingToLineEnd = true
                }
            case .jsonl:
                var end = position
                while end < limit, view[end] != WebLogRowReader.newline { end += 1 }
                if end == limit, !atEOF {
                    if end - position > maxRow {
                        rows += 1
                        reject(line, "longer than \(Self.describe(maxRow))")
                        skippingToLineEnd = true
                        continue
                    }
                    compact(from: position)
                    return
                }
                let rowLine = line
                line += 1
                var contentEnd = end
                if contentEnd > position, view[contentEnd - 1] == WebLogRowReader.cr { contentEnd -= 1 }
                let start = WebLogRowReader.skipSpace(view, position, contentEnd)
                if start < contentEnd {
                    if WebLogRowReader.jsonObject(view, start, contentEnd, names: jsonNames, into: &fields) {
                        handle(view, fields, line: rowLine, json: true)
                    } else {
                        rows += 1
                        reject(rowLine, "not a JSON object")
                    }
                }
                position = min(end + 1, limit)
            }
        }
        compact(from: position)
    }

    private func compact(from position: Int) {
        let remaining = filled - position
        if remaining > 0, position > 0 {
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + position, byteCount: remaining)
        }
        filled = max(remaining, 0)
    }

    /// Recognises JSON Lines (first byte `{`) or a CSV header; returns nil while the header's line is
    /// still incomplete.
    private func detect(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (Format, Int)? {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") || bytes[start] == WebLogRowReader.cr
            || bytes[start] == WebLogRowReader.newline {
            if bytes[start] == WebLogRowReader.newline { line += 1 }
            start += 1
        }
        guard start < bytes.count else {
            if atEOF { throw WebLogError.emptyFile }
            return nil
        }
        if bytes[start] == UInt8(ascii: "{") { return (.jsonl, start) }
        var end = start
        while end < bytes.count, bytes[end] != WebLogRowReader.newline { end += 1 }
        if end == bytes.count, !atEOF { return nil }
        let header = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        let names = Self.splitHeader(header)
        var slots: [Int8] = []
        var found = Set<WebLogField>()
        for name in names {
            if let field = columns.field(forHeader: name), !found.contains(field) {
                slots.append(Int8(field.slot))
                found.insert(field)
            } else {
                slots.append(-1)
            }
        }
        let missing = [WebLogField.method, .url].filter { !found.contains($0) }.map(\.rawValue)
        guard missing.isEmpty else { throw WebLogError.missingColumns(missing, found: names) }
        guard !found.isDisjoint(with: [.developerKeyID, .userID, .userAgent]) else { throw WebLogError.nothingToAttributeBy(found: names) }
        line += 1
        return (.csv(slots: slots), min(end + 1, bytes.count))
    }

    static func splitHeader(_ header: String) -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { names.append(current); current = ""; continue }
            if character != "\r" { current.append(character) }
        }
        names.append(current)
        return names.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func reject(_ line: Int, _ reason: String) {
        malformed += 1
        if malformedSamples.count < Self.malformedSampleLimit { malformedSamples.append(MalformedRow(file: fileName, line: line, reason: reason)) }
    }

    // MARK: - One row

    private func handle(_ view: UnsafeBufferPointer<UInt8>, _ fields: LogRowFields, line: Int, json: Bool) {
        rows += 1
        guard let methodRange = fields.range(.method), methodRange.1 > methodRange.0 else { return reject(line, "no http_method") }
        guard let urlRange = fields.range(.url), urlRange.1 > urlRange.0 else { return reject(line, "no url") }
        let method = UnsafeBufferPointer(rebasing: view[methodRange.0..<methodRange.1])
        let verb = Self.verb(method)
        if verb == nil, !Self.isOtherMethod(method) {
            return reject(line, "“\(String(decoding: method.prefix(20), as: UTF8.self))” is not an HTTP method")
        }
        let timestamp = fields.range(.timestamp).map { UnsafeBufferPointer(rebasing: view[$0.0..<$0.1]) } ?? UnsafeBufferPointer(start: nil, count: 0)
        if !timestamp.isEmpty {
            if firstSeen.isEmpty || Self.precedes(timestamp, firstSeen) { firstSeen = Array(timestamp) }
            if Self.precedes(lastSeen, timestamp) { lastSeen = Array(timestamp) }
        }
        guard let verb else { ignored += 1; return }

        // Attribution: the developer key, else the service account, else the user agent.
        var target: Int32 = -1
        if let keyRange = fields.range(.developerKeyID), let key = Self.present(UnsafeBufferPointer(rebasing: view[keyRange.0..<keyRange.1])) {
            let keyIndex: Int32?
            if let number = Self.number(key) { keyIndex = keyIndexByNumber[number] } else { keyIndex = keyIndexByText[Self.text(key)] }
            if let keyIndex {
                keySeen[Int(keyIndex)] += 1
                target = keyTarget[Int(keyIndex)]
            } else if Self.number(key).map(otherKeysByNumber.contains) ?? otherKeysByText.contains(Self.text(key)) {
                otherKnownKeyRequests += 1
            } else {
                noteUnknownKey(Self.text(key), view, fields, timestamp: timestamp, json: json)
            }
        }
        if target < 0, let userRange = fields.range(.userID), let user = Self.present(UnsafeBufferPointer(rebasing: view[userRange.0..<userRange.1])) {
            if let number = Self.number(user) { target = userTargetByNumber[number] ?? -1 } else if !userTargetByText.isEmpty {
                target = userTargetByText[Self.text(user)] ?? -1
            }
        }
        if target < 0, !userAgentPatterns.isEmpty, let agentRange = fields.range(.userAgent), agentRange.1 > agentRange.0 {
            target = attribute(userAgent: UnsafeBufferPointer(rebasing: view[agentRange.0..<agentRange.1]))
        }
        guard target >= 0 else { unattributed += 1; return }
        attributed += 1
        perTarget[Int(target)].requests += 1

        // The path: no scheme or host, unescaped if the file escaped it.
        var raw = UnsafeBufferPointer(rebasing: view[urlRange.0..<urlRange.1])
        var unescaped: [UInt8] = []
        if fields.isEscaped(.url) {
            unescaped = json ? WebLogRowReader.unescapeJSON(raw) : WebLogRowReader.unescapeCSV(raw)
        }
        return unescaped.isEmpty ? check(raw, target: target, verb: verb, view: view, fields: fields, timestamp: timestamp, json: json)
            : unescaped.withUnsafeBufferPointer { buffer in
                raw = buffer
                check(raw, target: target, verb: verb, view: view, fields: fields, timestamp: timestamp, json: json)
            }
    }

    private func check(_ url: UnsafeBufferPointer<UInt8>, target: Int32, verb: HTTPVerb, view: UnsafeBufferPointer<UInt8>, fields: LogRowFields,
                       timestamp: UnsafeBufferPointer<UInt8>, json: Bool) {
        let path = Self.pathPart(url)
        guard Self.isAPI(path) else { perTarget[Int(target)].notAPI += 1; return }
        let route = matcher.match(verb, path: path)
        let isAllowed = route >= 0 && allowed[Int(target) * wordsPerTarget + Int(route) / 64] & (1 << UInt64(Int(route) % 64)) != 0
        if isAllowed {
            perTarget[Int(target)].inScope += 1
        } else {
            perTarget[Int(target)].outOfScope += 1
            note(.outOfScope, target: target, verb: verb, route: route, path: path, view: view, fields: fields, timestamp: timestamp, json: json)
        }
        if !targets[Int(target)].allowIncludes, Self.hasIncludes(url) {
            perTarget[Int(target)].includeFlagged += 1
            note(.includeNotAllowed, target: target, verb: verb, route: route, path: path, view: view, fields: fields, timestamp: timestamp, json: json)
        }
    }

    private func note(_ kind: DriftFindingKind, target: Int32, verb: HTTPVerb, route: Int32, path: UnsafeBufferPointer<UInt8>,
                      view: UnsafeBufferPointer<UInt8>, fields: LogRowFields, timestamp: UnsafeBufferPointer<UInt8>, json: Bool) {
        let pathText = String(decoding: path.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }, as: UTF8.self)
        let key = FindingKey(target: target, kind: kind, verb: verb, route: route, path: route >= 0 ? "" : Self.generalised(pathText))
        if findings[key] == nil, findings.count >= Self.findingLimit { findingsNotListed += 1; return }
        var aggregate = findings[key] ?? FindingAggregate()
        if aggregate.count == 0 { aggregate.samplePath = String(pathText.prefix(300)) }
        record(&aggregate, view, fields, timestamp: timestamp, json: json)
        findings[key] = aggregate
    }

    private func noteUnknownKey(_ key: String, _ view: UnsafeBufferPointer<UInt8>, _ fields: LogRowFields, timestamp: UnsafeBufferPointer<UInt8>, json: Bool) {
        let id = String(key.prefix(64))
        if unknownKeys[id] == nil, unknownKeys.count >= Self.unknownKeyLimit {
            if unknownKeysNotListed.count < Self.unknownKeyLimit { unknownKeysNotListed.insert(id) }
            return
        }
        var aggregate = unknownKeys[id] ?? FindingAggregate()
        record(&aggregate, view, fields, timestamp: timestamp, json: json)
        unknownKeys[id] = aggregate
    }

    private func record(_ aggregate: inout FindingAggregate, _ view: UnsafeBufferPointer<UInt8>, _ fields: LogRowFields,
                        timestamp: UnsafeBufferPointer<UInt8>, json: Bool) {
        aggregate.count += 1
        if !timestamp.isEmpty {
            if aggregate.first.isEmpty || Self.precedes(timestamp, aggregate.first) { aggregate.first = Array(timestamp) }
            if Self.precedes(aggregate.last, timestamp) { aggregate.last = Array(timestamp) }
        }
        if aggregate.userAgents.count < 3, let range = fields.range(.userAgent), range.1 > range.0 {
            let agent = String(WebLogRowReader.text(view, range, escaped: fields.isEscaped(.userAgent), json: json).prefix(200))
            if !aggregate.userAgents.contains(agent) { aggregate.userAgents.append(agent) }
        }
    }

    private func attribute(userAgent: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = RequestMatcher.hash(-1, userAgent)
        if let cached = userAgentCache[hash] { return cached }
        var found: Int32 = -1
        for pattern in userAgentPatterns where Self.containsCaseInsensitive(userAgent, pattern.bytes) {
            found = pattern.target
            break
        }
        if userAgentCache.count >= Self.userAgentCacheLimit { userAgentCache.removeAll(keepingCapacity: true) }
        userAgentCache[hash] = found
        return found
    }

    // MARK: - Byte helpers

    static func describe(_ bytes: Int) -> String { bytes % 1024 == 0 ? "\(bytes / 1024) KiB" : "\(bytes) bytes" }

    /// Byte order of two timestamps (ISO 8601 text sorts in time order), without generic overhead.
    @inline(__always)
    static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        b.withUnsafeBufferPointer { precedes(a, $0) }
    }

    @inline(__always)
    static func precedes(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.withUnsafeBufferPointer { precedes($0, b) }
    }

    @inline(__always)
    static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    static func containsCaseInsensitive(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where lower(haystack[start]) == first {
            var matched = true
            for k in 1..<needle.count where lower(haystack[start + k]) != needle[k] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// Nil for an empty value or the ways exports write "no value" (`null`, `\N`, `NULL`).
    @inline(__always)
    static func present(_ value: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var start = value.startIndex
        var end = value.endIndex
        while start < end, value[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, value[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let trimmed = UnsafeBufferPointer(rebasing: value[start..<end])
        if trimmed.isEmpty { return nil }
        if trimmed.count == 2, trimmed[0] == UInt8(ascii: "\\"), trimmed[1] == UInt8(ascii: "N") { return nil }
        if trimmed.count == 4, lower(trimmed[0]) == UInt8(ascii: "n"), lower(trimmed[1]) == UInt8(ascii: "u"),
           lower(trimmed[2]) == UInt8(ascii: "l"), lower(trimmed[3]) == UInt8(ascii: "l") { return nil }
        return trimmed
    }

    /// A decimal id of up to 19 digits (Canvas ids, global ids), as a number.
    @inline(__always)
    static func number<C: Collection>(_ bytes: C) -> UInt64? where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    static func verb(_ method: UnsafeBufferPointer<UInt8>) -> HTTPVerb? {
        var packed: UInt64 = 0
        guard method.count <= 7 else { return nil }
        for byte in method { packed = packed << 8 | UInt64(lower(byte)) }
        switch packed {
        case 0x67_65_74: return .GET // get
        case 0x68_65_61_64: return .GET // head: answered like GET
        case 0x70_6F_73_74: return .POST
        case 0x70_75_74: return .PUT
        case 0x70_61_74_63_68: return .PATCH
        case 0x64_65_6C_65_74_65: return .DELETE
        default: return nil
        }
    }

    /// OPTIONS (CORS preflight) and other methods Canvas does not route: not scope-checked.
    static func isOtherMethod(_ method: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !method.isEmpty, method.count <= 16 else { return false }
        return method.allSatisfy { (65...90).contains($0) || (97...122).contains($0) }
    }

    /// The path of a URL or path: after `scheme://host` when present.
    static func pathPart(_ url: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = url.startIndex
        while start < url.endIndex, url[start] == UInt8(ascii: " ") { start += 1 }
        if start < url.endIndex, url[start] != UInt8(ascii: "/") {
            var i = start
            while i + 2 < url.endIndex, !(url[i] == UInt8(ascii: ":") && url[i + 1] == UInt8(ascii: "/") && url[i + 2] == UInt8(ascii: "/")) { i += 1 }
            if i + 2 < url.endIndex {
                i += 3
                while i < url.endIndex, url[i] != UInt8(ascii: "/") { i += 1 }
                start = i
            }
        }
        return UnsafeBufferPointer(rebasing: url[start..<url.endIndex])
    }

    @inline(__always)
    static func isAPI(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        path.count >= 5 && path[0] == UInt8(ascii: "/") && path[1] == UInt8(ascii: "a") && path[2] == UInt8(ascii: "p") && path[3] == UInt8(ascii: "i")
            && path[4] == UInt8(ascii: "/")
    }

    static let includeNeedle = Array("include[]".utf8)
    static let encodedIncludeNeedle = Array("include%5b%5d".utf8)

    /// Whether the query string carries `include[]` (plain or percent-encoded brackets).
    static func hasIncludes(_ url: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let question = url.firstIndex(of: UInt8(ascii: "?")) else { return false }
        let query = UnsafeBufferPointer(rebasing: url[(question + 1)...])
        return containsCaseInsensitive(query, includeNeedle) || containsCaseInsensitive(query, encodedIncludeNeedle)
    }

    /// A path nobody's template knows, with identifiers generalised: `/api/v1/widgets/:id`.
    static func generalised(_ path: String) -> String {
        guard let normalised = NormalisedPath(path) else { return String(path.prefix(200)) }
        let text = "/" + normalised.segments.map { token -> String in
            switch token {
            case let .text(text): NormalisedPath.looksLikeIdentifier(text) ? ":id" : text
            case .placeholder: ":id"
            }
        }.joined(separator: "/")
        return String(text.prefix(200))
    }

    // MARK: - The report

    private func report() -> DriftReport {
        var perIntegration: [[(FindingKey, FindingAggregate)]] = Array(repeating: [], count: targets.count)
        for (key, aggregate) in findings { perIntegration[Int(key.target)].append((key, aggregate)) }
        let integrations = targets.indices.map { index -> IntegrationDrift in
            let counts = perTarget[index]
            let list = perIntegration[index].map { key, aggregate in
                DriftFinding(kind: key.kind, method: key.verb.rawValue,
                             endpoint: key.route >= 0 ? String(matcher.routeNames[Int(key.route)].drop { $0 != " " }.dropFirst()) : key.path,
                             inCatalog: key.route >= 0 && matcher.routeInCatalog[Int(key.route)], count: aggregate.count,
                             firstSeen: String(decoding: aggregate.first, as: UTF8.self), lastSeen: String(decoding: aggregate.last, as: UTF8.self),
                             sampleUserAgents: aggregate.userAgents, samplePath: aggregate.samplePath)
            }.ordered()
            return IntegrationDrift(integrationID: targets[index].integrationID, name: targets[index].name, requests: counts.requests,
                                    inScope: counts.inScope, outOfScope: counts.outOfScope, includeFlagged: counts.includeFlagged,
                                    notAPI: counts.notAPI, findings: list)
        }.sorted { ($0.outOfScope + $0.includeFlagged, $1.name) > ($1.outOfScope + $1.includeFlagged, $0.name) }
        let unknown = unknownKeys.map { id, aggregate in
            UnknownKeyUse(keyID: id, count: aggregate.count, firstSeen: String(decoding: aggregate.first, as: UTF8.self),
                          lastSeen: String(decoding: aggregate.last, as: UTF8.self), sampleUserAgents: aggregate.userAgents)
        }.sorted { ($0.count, $1.keyID) > ($1.count, $0.keyID) }
        var idle: [IdleKey] = []
        for (index, reference) in keyRefs.enumerated() where keySeen[index] == 0 && reference.key.isOn {
            idle.append(IdleKey(keyID: reference.key.canvasKeyID, integrationID: targets[reference.target].integrationID, name: targets[reference.target].name))
        }
        return DriftReport(rows: rows, malformed: malformed, malformedSamples: malformedSamples, attributed: attributed, unattributed: unattributed,
                           ignored: ignored, otherKnownKeyRequests: otherKnownKeyRequests,
                           firstSeen: firstSeen.isEmpty ? nil : String(decoding: firstSeen, as: UTF8.self),
                           lastSeen: lastSeen.isEmpty ? nil : String(decoding: lastSeen, as: UTF8.self),
                           integrations: integrations, unknownKeys: unknown, unknownKeysNotListed: unknownKeysNotListed.count, idleKeys: idle,
                           findingsNotListed: findingsNotListed)
    }
}
