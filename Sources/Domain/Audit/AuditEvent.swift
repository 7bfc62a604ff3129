import Crypto
import Foundation

/// What a change looks like before it is placed in the chain.
public struct AuditEntry: Equatable, Sendable {
    public let occurredAt: Date
    public let actor: Actor
    public let entityType: String
    public let entityID: String
    public let action: String
    public let summary: String

    public init(occurredAt: Date, actor: Actor, entityType: String, entityID: String, action: String, summary: String) {
        self.occurredAt = occurredAt
        self.actor = actor
        self.entityType = entityType
        self.entityID = entityID
        self.action = action
        self.summary = summary
    }
}

/// One link of the hash chain: `hash = SHA-256(previousHash ‖ canonical content)`.
public struct AuditEvent: Equatable, Sendable {
    public let sequence: Int64
    public let occurredAt: Date
    public let actorID: User.ID?
    public let actorLabel: String
    public let entityType: String
    public let entityID: String
    public let action: String
    public let summary: String
    public let previousHash: String
    public let hash: String

    public init(
        sequence: Int64, occurredAt: Date, actorID: User.ID?, actorLabel: String, entityType: String,
        entityID: String, action: String, summary: String, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorLabel = actorLabel
        self.entityType = entityType
        self.entityID = entityID
        self.action = action
        self.summary = summary
        self.previousHash = previousHash
        self.hash = hash
    }
}

public enum AuditChain {
    /// The `previousHash` of the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Timestamps are hashed at millisecond precision, the precision both databases keep.
    public static func normalised(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// Canonical content: each field length-prefixed so no two different events share a text.
    public static func canonicalContent(
        sequence: Int64, occurredAt: Date, actorID: User.ID?, actorLabel: String, entityType: String,
        entityID: String, action: String, summary: String
    ) -> String {
        var bytes: [UInt8] = []
        appendCanonicalContent(sequence: sequence, millis: millis(occurredAt), actorID: actorID, actorLabel: actorLabel.utf8,
                               entityType: entityType.utf8, entityID: entityID.utf8, action: action.utf8, summary: summary.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A timestamp as the chain hashes it: milliseconds since 1970, rounded rather than truncated, since a
    /// value read back from either database may differ in its last bits.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Appends the canonical content's bytes to `out`: `length:value` per field, joined by `|`, the
    /// actor in its canonical (lower-case) spelling. The one definition every writer and checker hashes.
    public static func appendCanonicalContent(
        sequence: Int64, millis: Int64, actorID: User.ID?, actorLabel: some Collection<UInt8>, entityType: some Collection<UInt8>,
        entityID: some Collection<UInt8>, action: some Collection<UInt8>, summary: some Collection<UInt8>, to out: inout [UInt8]
    ) {
        var actor: [UInt8] = []
        if let actorID { Hex.appendUUID(actorID.rawValue, to: &actor) }
        appendCanonicalContent(sequence: sequence, millis: millis, actor: actor, actorLabel: actorLabel, entityType: entityType,
                               entityID: entityID, action: action, summary: summary, to: &out)
    }

    /// The same, with the actor already spelled canonically (empty when there is none).
    public static func appendCanonicalContent(
        sequence: Int64, millis: Int64, actor: some Collection<UInt8>, actorLabel: some Collection<UInt8>, entityType: some Collection<UInt8>,
        entityID: some Collection<UInt8>, action: some Collection<UInt8>, summary: some Collection<UInt8>, to out: inout [UInt8]
    ) {
        func length(_ count: Int) {
            DecimalText.append(Int64(count), to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func field(_ bytes: some Collection<UInt8>) {
            length(bytes.count)
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "|"))
        }
        func number(_ value: Int64) {
            length(DecimalText.width(value))
            DecimalText.append(value, to: &out)
            out.append(UInt8(ascii: "|"))
        }
        number(sequence)
        number(millis)
        field(actor)
        field(actorLabel)
        field(entityType)
        field(entityID)
        field(action)
        length(summary.count)
        out.append(contentsOf: summary)
    }

    public static func hash(previousHash: String, content: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previousHash.utf8))
        hasher.update(data: Array(content.utf8))
        return hasher.finalize().hexString
    }

    /// Seals an entry as the event after `previous` (or the first event when nil).
    public static func seal(_ entry: AuditEntry, sequence: Int64, previousHash: String) -> AuditEvent {
        let at = normalised(entry.occurredAt)
        var bytes = Array(previousHash.utf8)
        appendCanonicalContent(sequence: sequence, millis: millis(at), actorID: entry.actor.userID, actorLabel: entry.actor.label.utf8,
                               entityType: entry.entityType.utf8, entityID: entry.entityID.utf8, action: entry.action.utf8,
                               summary: entry.summary.utf8, to: &bytes)
        return AuditEvent(
            sequence: sequence, occurredAt: at, actorID: entry.actor.userID, actorLabel: entry.actor.label,
            entityType: entry.entityType, entityID: entry.entityID, action: entry.action, summary: entry.summary,
            previousHash: previousHash, hash: SHA256.hash(data: bytes).hexString)
    }

    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case gap(expected: Int64, found: Int64)
        case brokenLink(sequence: Int64)
        case contentChanged(sequence: Int64)
        case truncated(lastFound: Int64, headSays: Int64)

        public var description: String {
            switch self {
            case let .gap(expected, found):
                "event \(expected) is missing (found event \(found) in its place)"
            case let .brokenLink(sequence):
                "event \(sequence) does not link to the hash of the event before it"
            case let .contentChanged(sequence):
                "event \(sequence) does not match its stored hash (its content was changed)"
            case let .truncated(lastFound, headSays):
                "the chain ends at event \(lastFound) but its head records event \(headSays) (events were removed)"
            }
        }
    }

    /// Checks events in order, continuing from `previousHash` at `sequence - 1`.
    /// Streaming-friendly: call repeatedly with consecutive batches and the returned state.
    public struct Verifier: Sendable {
        public private(set) var nextSequence: Int64
        public private(set) var headHash: String
        public private(set) var checked: Int = 0
        /// The bytes hashed for one event, reused.
        private var buffer: [UInt8] = []

        public init(startingAt sequence: Int64 = 1, previousHash: String = AuditChain.genesisHash) {
            self.nextSequence = sequence
            self.headHash = previousHash
        }

        /// Returns the first problem in `events`, or nil when they all chain correctly.
        public mutating func check(_ events: some Sequence<AuditEvent>) -> Problem? {
            for event in events {
                if event.sequence != nextSequence { return .gap(expected: nextSequence, found: event.sequence) }
                if event.previousHash != headHash { return .brokenLink(sequence: event.sequence) }
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: event.previousHash.utf8)
                appendCanonicalContent(sequence: event.sequence, millis: millis(event.occurredAt), actorID: event.actorID,
                                       actorLabel: event.actorLabel.utf8, entityType: event.entityType.utf8, entityID: event.entityID.utf8,
                                       action: event.action.utf8, summary: event.summary.utf8, to: &buffer)
                if !Hex.matches(SHA256.hash(data: buffer), hex: event.hash.utf8) {
                    return .contentChanged(sequence: event.sequence)
                }
                headHash = event.hash
                nextSequence += 1
                checked += 1
            }
            return nil
        }
    }
}

public struct AuditQuery: Equatable, Sendable {
    public var entityType: String?
    public var entityID: String?
    public var action: String?
    public var actor: String?
    public var from: Date?
    public var to: Date?
    public var page: PageRequest

    public init(
        entityType: String? = nil, entityID: String? = nil, action: String? = nil, actor: String? = nil,
        from: Date? = nil, to: Date? = nil, page: PageRequest = .init(page: 1)
    ) {
        func clean(_ s: String?) -> String? {
            let t = Check.trimmed(s)
            return t.isEmpty ? nil : String(t.prefix(100))
        }
        self.entityType = clean(entityType)
        self.entityID = clean(entityID)
        self.action = clean(action)
        self.actor = clean(actor)
        self.from = from
        self.to = to
        self.page = page
    }
}

public protocol AuditRepository: Sendable {
    /// Newest first.
    func list(_ query: AuditQuery) async throws -> ResultPage<AuditEvent>
    /// The newest `limit` events, newest first, without counting them all (for the dashboard).
    func latest(_ limit: Int) async throws -> [AuditEvent]
    /// Verifies the whole chain in batches; returns the verifier state and the first problem.
    func verifyChain() async throws -> (AuditChain.Verifier, AuditChain.Problem?)
    func distinctEntityTypes() async throws -> [String]
    /// Events after `sequence`, oldest first, at most `limit` (for streaming exports).
    func events(after sequence: Int64, limit: Int) async throws -> [AuditEvent]
    /// Events about one entity, oldest first.
    func events(entityType: String, entityID: String) async throws -> [AuditEvent]
    /// The chain's last sequence number and hash (0 and the genesis hash when empty).
    func head() async throws -> (sequence: Int64, hash: String)
    /// Every recorded head, oldest first.
    func checkpoints() async throws -> [AuditCheckpoint]
    /// Writes a head down; one already recorded at that sequence is kept as it was.
    func record(_ checkpoint: AuditCheckpoint) async throws
}
