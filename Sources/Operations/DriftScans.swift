import Domain
import Foundation

/// Scope-drift scans: gathers what every integration may call from the records, streams request
/// logs through one `DriftScanner` and stores the result; and how integrations appear in logs.
public struct DriftScans: Sendable {
    private let environment: OperationEnvironment
    private let catalog: Catalog

    init(_ environment: OperationEnvironment, catalog: Catalog) {
        self.environment = environment
        self.catalog = catalog
    }

    /// Everything a scan checks against, read once before the first row.
    public func setup(columns: WebLogColumns = WebLogColumns()) async throws -> DriftSetup {
        let store = environment.store
        let integrations = try await store.integrations.all()
        let releases = try await store.releases.all(in: [.released, .off, .retired])
        var whitelists: [Integration.ID: [WhitelistEntry]] = [:]
        for integration in integrations {
            // The version a reviewer accepted; while none is, the current one.
            let accepted = try await store.integrations.whitelistAcceptance(integration.id)
            whitelists[integration.id] = try await store.integrations.whitelist(integration.id, version: accepted?.version)?.entries ?? []
        }
        let targets = DriftTargets.build(integrations: integrations, releases: releases, whitelists: whitelists,
                                         identities: try await store.drift.identities())
        let matcher = try await catalog.matcher()
        let inherited = try await store.inheritedKeys.list().compactMap(\.fields.canvasKeyID)
        return DriftSetup(targets: targets, catalog: matcher.entries.map(DriftTarget.Endpoint.init),
                          otherKnownKeys: inherited, columns: columns)
    }

    /// Stores a finished scan with an audit event summarising it (and, with `job`, that job done).
    public func record(_ report: DriftReport, files: [String], by actor: Actor, job: DriftJob.ID? = nil) async throws -> DriftScan {
        try await environment.store.drift.record(report, files: files, id: environment.ids(), by: actor, at: environment.now(), job: job)
    }

    /// How an integration's requests are recognised when no key id says: service accounts and user agents.
    public func saveIdentity(userIDs: String, userAgents: String, for integration: Integration, by actor: Actor) async throws -> LogIdentity {
        let identity = try LogIdentity.validated(userIDs: userIDs, userAgents: userAgents)
        try await environment.store.drift.saveIdentity(identity, for: integration.id, by: actor, at: environment.now())
        return identity
    }

    /// Scans files from disk; `progress` is told how far it got.
    public static func scan(files paths: [String], setup: DriftSetup, limit: InflateLimit = .standard,
                            progress: (LogFile.Progress) -> Void = { _ in }) throws -> DriftReport {
        let scanner = DriftScanner(setup)
        try LogFile.scan(paths, into: scanner, limit: limit, progress: progress)
        return try finish(scanner, file: paths.last ?? "log")
    }

    /// Scans a log held in memory; `progress` is told how far it got.
    public static func scan(upload bytes: [UInt8], named name: String, setup: DriftSetup, limit: InflateLimit = .standard,
                            progress: (LogFile.Progress) -> Void = { _ in }) throws -> DriftReport {
        let scanner = DriftScanner(setup)
        try LogFile.scan(bytes, named: name, into: scanner, limit: limit, progress: progress)
        return try finish(scanner, file: name)
    }

    private static func finish(_ scanner: DriftScanner, file: String) throws -> DriftReport {
        do {
            return try scanner.finish()
        } catch let error as WebLogError {
            throw LogFile.Failure(file: file, problem: error.description)
        }
    }
}
