import Crypto
import Foundation

/// `audit.jsonl` at the byte level: writes an event as one JSON object with sorted keys (what
/// `JSONEncoder` with `.sortedKeys` writes, so either reader reads either writer), and checks a line
/// against the chain without building strings or a decoder, hashing the same canonical content
/// `AuditChain` hashes.
public enum AuditLineCodec {
    /// Appends `event` as one line, newline included.
    public static func append(_ event: AuditEvent, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"#.utf8)
        if let actor = event.actorID {
            out.append(contentsOf: #""actorID":"#.utf8)
            out.append(UInt8(ascii: "\""))
            Hex.appendUUID(actor.rawValue, to: &out)
            out.append(contentsOf: "\",".utf8)
        }
        out.append(contentsOf: #""actorLabel":"#.utf8)
        string(event.actorLabel, to: &out)
        out.append(contentsOf: #","action":"#.utf8)
        string(event.action, to: &out)
        out.append(contentsOf: #","entityID":"#.utf8)
        string(event.entityID, to: &out)
        out.append(contentsOf: #","entityType":"#.utf8)
        string(event.entityType, to: &out)
        out.append(contentsOf: #","hash":"#.utf8)
        string(event.hash, to: &out)
        out.append(contentsOf: #","occurredAtMillis":"#.utf8)
        DecimalText.append(AuditChain.millis(event.occurredAt), to: &out)
        out.append(contentsOf: #","previousHash":"#.utf8)
        string(event.previousHash, to: &out)
        out.append(contentsOf: #","sequence":"#.utf8)
        DecimalText.append(event.sequence, to: &out)
        out.append(contentsOf: #","summary":"#.utf8)
        string(event.summary, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8,
    /// copied a run at a time between the bytes that need escaping.
    static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                default:
                    out.append(contentsOf: #"\u00"#.utf8)
                    Hex.append(byte, to: &out)
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Checks lines of `audit.jsonl` in order, as `AuditChain.Verifier` checks events.
    public struct Verifier: Sendable {
        public private(set) var nextSequence: Int64 = 1
        public private(set) var headHash: [UInt8] = Array(AuditChain.genesisHash.utf8)
        public private(set) var checked: Int64 = 0
        /// Where the chain must pass: sequence → hash.
        private let required: [Int64: [UInt8]]
        private var fields = Fields()
        private var content: [UInt8] = []

        public init(mustPassThrough checkpoints: [Int64: String] = [:]) {
            required = checkpoints.mapValues { Array($0.utf8) }
            content.reserveCapacity(1_024)
        }

        public var head: String { String(decoding: headHash, as: UTF8.self) }

        /// Lower-case `8-4-4-4-12`, the spelling `Identifier.description` writes.
        static func isCanonicalUUID(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == 36 else { return false }
            for (index, byte) in bytes.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    if byte != UInt8(ascii: "-") { return false }
                } else if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) {
                    return false
                }
            }
            return true
        }

        public enum Problem: Equatable, Sendable, CustomStringConvertible {
            case notAnEvent
            case chain(AuditChain.Problem)
            case missesCheckpoint(sequence: Int64)

            public var description: String {
                switch self {
                case .notAnEvent: "is not an audit event"
                case let .chain(problem): problem.description
                case let .missesCheckpoint(sequence):
                    "event \(sequence) is not the one recorded at an earlier export or daily check (the chain was rewritten from there on)"
                }
            }
        }

        /// Checks one line (without its newline).
        public mutating func check(_ line: UnsafeRawBufferPointer) -> Problem? {
            guard fields.parse(line) else { return .notAnEvent }
            guard let sequence = fields.sequence, let millis = fields.millis, fields.hash.count == 64 else { return .notAnEvent }
            if sequence != nextSequence { return .chain(.gap(expected: nextSequence, found: sequence)) }
            if fields.previousHash != headHash { return .chain(.brokenLink(sequence: sequence)) }
            // The identifier is hashed in its canonical spelling, as the decoder would rebuild it.
            if fields.hasActor, !Self.isCanonicalUUID(fields.actorID) {
                guard let id = User.ID(string: String(decoding: fields.actorID, as: UTF8.self)) else { return .notAnEvent }
                fields.actorID.removeAll(keepingCapacity: true)
                Hex.appendUUID(id.rawValue, to: &fields.actorID)
            }
            content.removeAll(keepingCapacity: true)
            content.append(contentsOf: headHash)
            AuditChain.appendCanonicalContent(sequence: sequence, millis: millis, actor: fields.hasActor ? fields.actorID[...] : [],
                                              actorLabel: fields.actorLabel, entityType: fields.entityType, entityID: fields.entityID,
                                              action: fields.action, summary: fields.summary, to: &content)
            if !Hex.matches(SHA256.hash(data: content), hex: fields.hash) { return .chain(.contentChanged(sequence: sequence)) }
            if let expected = required[sequence], expected != fields.hash { return .missesCheckpoint(sequence: sequence) }
            // Copied rather than shared, so the next line's parse reuses its buffer instead of reallocating it.
            headHash.removeAll(keepingCapacity: true)
            headHash.append(contentsOf: fields.hash)
            nextSequence += 1
            checked += 1
            return nil
        }
    }

    /// The fields of one line, decoded into reused buffers.
    struct Fields: Sendable {
        var actorID: [UInt8] = [], actorLabel: [UInt8] = [], action: [UInt8] = [], entityID: [UInt8] = [], entityType: [UInt8] = []
        var hash: [UInt8] = [], previousHash: [UInt8] = [], summary: [UInt8] = []
        var sequence: Int64?, millis: Int64?
        var hasActor = false
        /// The key being read, reused from line to line.
        private var key: [UInt8] = []
        static let kActor: [UInt8] = Array("actorID".utf8)
        static let kActorLabel: [UInt8] = Array("actorLabel".utf8)
        static let kAction: [UInt8] = Array("action".utf8)
        static let kEntityID: [UInt8] = Array("entityID".utf8)
        static let kEntityType: [UInt8] = Array("entityType".utf8)
        static let kHash: [UInt8] = Array("hash".utf8)
        static let kPreviousHash: [UInt8] = Array("previousHash".utf8)
        static let kSummary: [UInt8] = Array("summary".utf8)
        static let kSequence: [UInt8] = Array("sequence".utf8)
        static let kMillis: [UInt8] = Array("occurredAtMillis".utf8)

        /// A flat JSON object of known keys with string, integer or null values; false for anything else.
        mutating func parse(_ line: UnsafeRawBufferPointer) -> Bool {
            sequence = nil
            millis = nil
            hasActor = false
            var seen = 0
            var i = 0
            let n = line.count
            func skipSpace() { while i < n, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D { i += 1 } }
            skipSpace()
            guard i < n, line[i] == UInt8(ascii: "{") else { return false }
            i += 1
            skipSpace()
            if i < n, line[i] == UInt8(ascii: "}") { return false }
            while true {
                skipSpace()
                guard Self.readString(line, &i, into: &key) else { return false }
                skipSpace()
                guard i < n, line[i] == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace()
                guard i < n else { return false }
                let bit: Int
                switch key {
                case Self.kActor: bit = 1
                    if line[i] == UInt8(ascii: "n") {
                        guard Self.literal(line, &i, "null") else { return false }
                    } else {
                        guard Self.readString(line, &i, into: &actorID) else { return false }
                        hasActor = true
                    }
                case Self.kActorLabel: bit = 2; guard Self.readString(line, &i, into: &actorLabel) else { return false }
                case Self.kAction: bit = 4; guard Self.readString(line, &i, into: &action) else { return false }
                case Self.kEntityID: bit = 8; guard Self.readString(line, &i, into: &entityID) else { return false }
                case Self.kEntityType: bit = 16; guard Self.readString(line, &i, into: &entityType) else { return false }
                case Self.kHash: bit = 32; guard Self.readString(line, &i, into: &hash) else { return false }
                case Self.kPreviousHash: bit = 64; guard Self.readString(line, &i, into: &previousHash) else { return false }
                case Self.kSummary: bit = 128; guard Self.readString(line, &i, into: &summary) else { return false }
                case Self.kSequence: bit = 256; guard let value = Self.readInteger(line, &i) else { return false }; sequence = value
                case Self.kMillis: bit = 512; guard let value = Self.readInteger(line, &i) else { return false }; millis = value
                default: return false
                }
                if seen & bit != 0 { return false }
                seen |= bit
                skipSpace()
                guard i < n else { return false }
                if line[i] == UInt8(ascii: ",") { i += 1; continue }
                guard line[i] == UInt8(ascii: "}") else { return false }
                i += 1
                skipSpace()
                // Every key but the optional actor, and nothing after the object.
                return i == n && seen | 1 == 1023
            }
        }

        static func literal(_ line: UnsafeRawBufferPointer, _ i: inout Int, _ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= line.count else { return false }
            for k in 0..<count where line[i + k] != word.utf8Start[k] { return false }
            i += count
            return true
        }

        /// An integer of at most 18 digits, optionally negative.
        static func readInteger(_ line: UnsafeRawBufferPointer, _ i: inout Int) -> Int64? {
            var negative = false
            if i < line.count, line[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var value: Int64 = 0, digits = 0
            while i < line.count, line[i] >= 0x30, line[i] <= 0x39 {
                if digits == 18 { return nil }
                value = value * 10 + Int64(line[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits == 0 ? nil : (negative ? -value : value)
        }

        /// A JSON string into `out` as UTF-8; escapes decoded, raw control characters refused.
        static func readString(_ line: UnsafeRawBufferPointer, _ i: inout Int, into out: inout [UInt8]) -> Bool {
            out.removeAll(keepingCapacity: true)
            let n = line.count
            guard i < n, line[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            while i < n {
                // A run of plain bytes is copied in one go.
                var end = i
                while end < n, line[end] >= 0x20, line[end] != UInt8(ascii: "\""), line[end] != UInt8(ascii: "\\") { end += 1 }
                if end > i {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[i..<end]))
                    i = end
                    guard i < n else { return false }
                }
                let byte = line[i]
                if byte == UInt8(ascii: "\"") { i += 1; return true }
                if byte < 0x20 { return false }
                i += 1
                guard i < n else { return false }
                let escape = line[i]
                i += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(line, &i) else { return false }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < n, line[i] == UInt8(ascii: "\\"), line[i + 1] == UInt8(ascii: "u") else { return false }
                        i += 2
                        guard let low = hex4(line, &i), (0xDC00..<0xE000).contains(low) else { return false }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        return false
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return false }
                    out.append(contentsOf: UTF8.encode(unicode)!)
                default: return false
                }
            }
            return false
        }

        static func hex4(_ line: UnsafeRawBufferPointer, _ i: inout Int) -> UInt32? {
            guard i + 4 <= line.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = RequestMatcher.hexValue(line[i]) else { return nil }
                value = value << 4 | UInt32(digit)
                i += 1
            }
            return value
        }
    }
}
