import Foundation

/// How an integration shows up in request logs when the log has no developer key id: the Canvas user
/// ids of its service accounts and the user agents it sends.
public struct LogIdentity: Equatable, Sendable {
    public var serviceAccountUserIDs: [String]
    /// Case-insensitive substrings, such as `Ledgerly-Sync/`.
    public var userAgentPatterns: [String]

    public static let maxEntries = 20

    public init(serviceAccountUserIDs: [String] = [], userAgentPatterns: [String] = []) {
        self.serviceAccountUserIDs = serviceAccountUserIDs
        self.userAgentPatterns = userAgentPatterns
    }

    public var isEmpty: Bool { serviceAccountUserIDs.isEmpty && userAgentPatterns.isEmpty }

    /// From the form's two text areas (one per line, commas also split user ids).
    public static func validated(userIDs rawIDs: String, userAgents rawAgents: String) throws -> LogIdentity {
        var errors = ValidationErrors()
        let ids = rawIDs.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let agents = rawAgents.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let bad = ids.first(where: { id in !(id.allSatisfy(\.isASCII) && id.allSatisfy { $0.isNumber || $0 == "~" }) || id.count > 30 }) {
            errors.add("serviceAccountUserIDs", "“\(bad.prefix(40))” is not a Canvas user id (digits, or shard~id).")
        } else if ids.count > maxEntries {
            errors.add("serviceAccountUserIDs", "At most \(maxEntries) service accounts.")
        }
        if let short = agents.first(where: { $0.count < 4 }) {
            errors.add("userAgentPatterns", "“\(short)” is too short to tell this integration's requests apart (4 characters at least).")
        } else if let long = agents.first(where: { $0.count > 200 }) {
            errors.add("userAgentPatterns", "“\(long.prefix(40))…” is longer than 200 characters.")
        } else if agents.count > maxEntries {
            errors.add("userAgentPatterns", "At most \(maxEntries) user agent patterns.")
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }
        return LogIdentity(serviceAccountUserIDs: Array(Set(ids)).sorted(), userAgentPatterns: agents.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
    }
}

/// A stored scan: who ran it on which files, and what it found.
public struct DriftScan: Equatable, Sendable {
    public typealias ID = Identifier<DriftScan>

    public let id: ID
    public let createdAt: Date
    public let createdBy: String
    public let files: [String]
    public let report: DriftReport

    public init(id: ID, createdAt: Date, createdBy: String, files: [String], report: DriftReport) {
        self.id = id
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.files = files
        self.report = report
    }
}

/// One row of the scan list.
public struct DriftScanSummary: Equatable, Sendable {
    public let id: DriftScan.ID
    public let createdAt: Date
    public let createdBy: String
    public let files: [String]
    public let rows: Int
    public let malformed: Int
    public let outOfScope: Int
    public let findings: Int

    public init(id: DriftScan.ID, createdAt: Date, createdBy: String, files: [String], rows: Int, malformed: Int, outOfScope: Int, findings: Int) {
        self.id = id
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.files = files
        self.rows = rows
        self.malformed = malformed
        self.outOfScope = outOfScope
        self.findings = findings
    }
}

public protocol DriftRepository: Sendable {
    /// Uploaded logs waiting for or going through their scan.
    var jobs: any DriftJobRepository { get }
    func identities() async throws -> [Integration.ID: LogIdentity]
    func identity(_ integration: Integration.ID) async throws -> LogIdentity
    func saveIdentity(_ identity: LogIdentity, for integration: Integration.ID, by actor: Actor, at now: Date) async throws
    /// Stores a scan and its findings, audited; with `job`, that job is marked done (and its upload
    /// forgotten) in the same transaction, so a finished scan is never scanned again.
    func record(_ report: DriftReport, files: [String], id: DriftScan.ID, by actor: Actor, at now: Date, job: DriftJob.ID?) async throws -> DriftScan
    func scans(limit: Int) async throws -> [DriftScanSummary]
    func scan(_ id: DriftScan.ID) async throws -> DriftScan?
    /// The newest scan that covered this integration, with what it found for it.
    func latest(for integration: Integration.ID) async throws -> (DriftScanSummary, IntegrationDrift)?
    /// `latest(for:)` for several integrations with a constant number of queries.
    func latest(for integrations: [Integration.ID]) async throws -> [Integration.ID: (DriftScanSummary, IntegrationDrift)]
    /// Deletes scans (and their findings) made before `cutoff`, always keeping the newest scan; audited
    /// as one event. Returns how many were deleted.
    func deleteScans(before cutoff: Date, by actor: Actor, at now: Date) async throws -> Int
}

extension DriftRepository {
    public func record(_ report: DriftReport, files: [String], id: DriftScan.ID, by actor: Actor, at now: Date) async throws -> DriftScan {
        try await record(report, files: files, id: id, by: actor, at: now, job: nil)
    }
}

/// Turns the records into what a scan checks against.
public enum DriftTargets {
    /// One target per integration: released keys (on, off or retired — a request with a key that is
    /// off is still that integration's), the log identity, and the whitelist a reviewer accepted —
    /// or, while none is accepted, the current one.
    public static func build(integrations: [Integration], releases: [KeyRelease], whitelists: [Integration.ID: [WhitelistEntry]],
                             identities: [Integration.ID: LogIdentity]) -> [DriftTarget] {
        let releasesByIntegration = Dictionary(grouping: releases.filter { $0.details != nil }, by: \.integrationID)
        return integrations.map { integration in
            let released = (releasesByIntegration[integration.id] ?? []).sorted { $0.requestedAt < $1.requestedAt }
            let keys = released.compactMap { release in
                release.details.map { DriftTarget.Key(canvasKeyID: $0.canvasKeyID, isOn: release.state == .released) }
            }
            let identity = identities[integration.id] ?? LogIdentity()
            // include[] is a key setting: flagged only when a key that is on does not allow it.
            let onDetails = released.filter { $0.state == .released }.compactMap(\.details)
            let allowIncludes = onDetails.allSatisfy(\.allowIncludeParameters)
            return DriftTarget(integrationID: integration.id.description, name: integration.fields.name, keys: keys,
                               serviceAccountUserIDs: identity.serviceAccountUserIDs, userAgentPatterns: identity.userAgentPatterns,
                               whitelist: (whitelists[integration.id] ?? []).map { DriftTarget.Endpoint(verb: $0.verb, template: $0.template) },
                               allowIncludes: allowIncludes)
        }
    }
}
