import Crypto
import Foundation

/// CSV as RFC 4180 with UTF-8, and with formula-looking cells neutralised so spreadsheets show
/// them as text instead of running them.
public enum CSV {
    public static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    public static func line(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }
}

/// One audit event as a line of `audit.jsonl`; the time is kept in milliseconds, as hashed.
public struct AuditLine: Codable, Equatable, Sendable {
    public let sequence: Int64
    public let occurredAtMillis: Int64
    public let actorID: String?
    public let actorLabel: String
    public let entityType: String
    public let entityID: String
    public let action: String
    public let summary: String
    public let previousHash: String
    public let hash: String

    public init(_ e: AuditEvent) {
        sequence = e.sequence
        occurredAtMillis = Int64((e.occurredAt.timeIntervalSince1970 * 1000).rounded())
        actorID = e.actorID?.description
        actorLabel = e.actorLabel
        entityType = e.entityType
        entityID = e.entityID
        action = e.action
        summary = e.summary
        previousHash = e.previousHash
        hash = e.hash
    }

    public var event: AuditEvent {
        AuditEvent(sequence: sequence, occurredAt: Date(timeIntervalSince1970: Double(occurredAtMillis) / 1000), actorID: actorID.flatMap(User.ID.init(string:)),
                   actorLabel: actorLabel, entityType: entityType, entityID: entityID, action: action, summary: summary, previousHash: previousHash, hash: hash)
    }
}

/// What an export holds: every file with its size and SHA-256, and where the audit chain ends.
public struct ExportManifest: Codable, Equatable, Sendable {
    public struct File: Codable, Equatable, Sendable {
        public let path: String
        public let bytes: Int64
        public let sha256: String

        public init(path: String, bytes: Int64, sha256: String) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// A head recorded before this export (at an earlier export or a daily check); the chain in
    /// `audit.jsonl` must pass through every one.
    public struct Checkpoint: Codable, Equatable, Sendable {
        public let sequence: Int64
        public let hash: String
        public let recordedAt: String
        public let reason: String

        public init(_ checkpoint: AuditCheckpoint) {
            sequence = checkpoint.sequence
            hash = checkpoint.hash
            recordedAt = Format.iso(checkpoint.recordedAt)
            reason = checkpoint.reason.rawValue
        }
    }

    /// `/2` adds the recorded heads and is signed (`manifest.sig`); `/1` exports are still read.
    public static let formatName = "vendor-review-export/2"
    public static let readableFormats: Set<String> = ["vendor-review-export/1", formatName]
    public static let fileName = "manifest.json"

    public let format: String
    public let generatedAt: String
    public let asOf: String?
    public let auditEvents: Int64
    public let auditHeadHash: String
    public let checkpoints: [Checkpoint]?
    public let files: [File]

    public init(generatedAt: String, asOf: String?, auditEvents: Int64, auditHeadHash: String, checkpoints: [Checkpoint], files: [File]) {
        format = Self.formatName
        self.generatedAt = generatedAt
        self.asOf = asOf
        self.auditEvents = auditEvents
        self.auditHeadHash = auditHeadHash
        self.checkpoints = checkpoints
        self.files = files
    }
}

/// SHA-256 over a stream of chunks, so large files never sit in memory.
public struct StreamingDigest: Sendable {
    private var hasher = SHA256()
    public private(set) var bytes: Int64 = 0

    public init() {}

    public mutating func update(_ chunk: some DataProtocol) {
        hasher.update(data: chunk)
        bytes += Int64(chunk.count)
    }

    public func finish() -> String { hasher.finalize().hexString }
}

/// What was approved and released at a moment, rebuilt from immutable history: whitelist versions
/// (never edited) and the audit trail's status and release events.
public struct AsOfRow: Equatable, Sendable {
    public let integration: String
    public let statusThen: String
    public let statusNow: String
    public let whitelistVersionThen: Int
    public let whitelistVersionNow: Int
    public let endpointsThen: [String]
    public let releasedKeysThen: [String]
    public let changedSince: Bool
}

public enum AsOf {
    public struct Input: Sendable {
        public let integration: Integration
        public let versions: [WhitelistVersion]
        /// This integration's audit events, oldest first.
        public let events: [AuditEvent]
        public let releases: [KeyRelease]
        /// Audit events about those releases, oldest first.
        public let releaseEvents: [AuditEvent]

        public init(integration: Integration, versions: [WhitelistVersion], events: [AuditEvent], releases: [KeyRelease], releaseEvents: [AuditEvent]) {
            self.integration = integration
            self.versions = versions
            self.events = events
            self.releases = releases
            self.releaseEvents = releaseEvents
        }
    }

    public static func row(_ input: Input, at moment: Date) -> AsOfRow? {
        guard input.integration.createdAt <= moment else { return nil }
        var status = IntegrationStatus.draft
        for event in input.events where event.occurredAt <= moment {
            if let action = IntegrationAction(rawValue: event.action) { status = action.result }
            // A whitelist change after release re-opens review without an explicit action.
            if event.action == "scope_changed" && event.summary.contains("review re-opened") { status = .inReview }
        }
        let then = input.versions.filter { $0.createdAt <= moment }.max { $0.number < $1.number }
        var keys: [String] = []
        for release in input.releases {
            guard let verified = release.verifiedAt, verified <= moment, let details = release.details else { continue }
            var state = ReleaseState.released
            for event in input.releaseEvents where event.entityID == release.id.description && event.occurredAt <= moment {
                if let action = ReleaseAction(rawValue: event.action) { state = action.result }
                if event.action == "retire" { state = .retired }
            }
            keys.append("\(details.canvasKeyID) (\(state.label.lowercased()))")
        }
        let current = input.versions.max { $0.number < $1.number }
        return AsOfRow(
            integration: input.integration.fields.name, statusThen: status.label, statusNow: input.integration.status.label,
            whitelistVersionThen: then?.number ?? 0, whitelistVersionNow: current?.number ?? 0,
            endpointsThen: then?.entries.map { "\($0.verb.rawValue) \($0.template)" } ?? [], releasedKeysThen: keys,
            changedSince: (then?.number ?? 0) != (current?.number ?? 0) || status != input.integration.status)
    }
}
