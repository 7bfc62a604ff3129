import Domain
import FluentKit
import Foundation

struct FluentDriftRepository: DriftRepository {
    let database: any Database
    /// Rows per INSERT: well under SQLite's limit on bound values.
    static let insertBatch = 400

    var jobs: any DriftJobRepository { FluentDriftJobRepository(database: database) }

    func identities() async throws -> [Integration.ID: LogIdentity] {
        var result: [Integration.ID: LogIdentity] = [:]
        for model in try await LogIdentityModel.query(on: database).all() {
            if let id = model.id { result[.init(id)] = model.toDomain() }
        }
        return result
    }

    func identity(_ integration: Integration.ID) async throws -> LogIdentity {
        try await LogIdentityModel.find(integration.rawValue, on: database)?.toDomain() ?? LogIdentity()
    }

    func saveIdentity(_ identity: LogIdentity, for integration: Integration.ID, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let owner = try await IntegrationModel.find(integration.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
            let existing = try await LogIdentityModel.find(integration.rawValue, on: tx)
            let before = existing?.toDomain() ?? LogIdentity()
            guard before != identity else { return ((), []) }
            let model = existing ?? LogIdentityModel()
            model.id = integration.rawValue
            model.serviceAccountUserIDs = identity.serviceAccountUserIDs.joined(separator: "\n")
            model.userAgentPatterns = identity.userAgentPatterns.joined(separator: "\n")
            model.updatedBy = actor.label
            model.updatedAt = now
            if existing == nil { try await model.create(on: tx) } else { try await model.update(on: tx) }
            func list(_ values: [String]) -> String { values.isEmpty ? "none" : values.map { "“\($0)”" }.joined(separator: ", ") }
            let summary = "\(owner.name) — request-log identity: service accounts \(list(identity.serviceAccountUserIDs)) (was \(list(before.serviceAccountUserIDs))); user agents \(list(identity.userAgentPatterns)) (was \(list(before.userAgentPatterns)))"
            return ((), [AuditEntry(occurredAt: now, actor: actor, entityType: "integration", entityID: integration.description, action: "log_identity",
                                    summary: summary)])
        }
    }

    func record(_ report: DriftReport, files: [String], id: DriftScan.ID, by actor: Actor, at now: Date, job: DriftJob.ID?) async throws -> DriftScan {
        try await AuditedWrite.run(on: database) { tx in
            if let job { try await FluentDriftJobRepository.markDone(job, scan: id, rows: report.rows, at: now, on: tx) }
            var summary = report
            summary.integrations = report.integrations.map { $0.with(findings: []) }
            let scan = DriftScanModel()
            scan.id = id.rawValue
            scan.createdAt = now
            scan.createdBy = actor.label
            scan.files = files.joined(separator: "\n")
            scan.rows = Int64(report.rows)
            scan.malformed = Int64(report.malformed)
            scan.outOfScope = Int64(report.outOfScopeTotal)
            scan.findingCount = report.findingCount
            scan.summary = try StoredJSON.text(summary)
            try await scan.create(on: tx)
            var rows: [DriftFindingModel] = []
            for integration in report.integrations {
                guard let integrationID = UUID(uuidString: integration.integrationID) else { continue }
                for finding in integration.findings {
                    let row = DriftFindingModel()
                    row.id = UUID()
                    row.scanID = id.rawValue
                    row.integrationID = integrationID
                    row.kind = finding.kind.rawValue
                    row.method = finding.method
                    row.endpoint = finding.endpoint
                    row.inCatalog = finding.inCatalog
                    row.count = Int64(finding.count)
                    row.firstSeen = finding.firstSeen
                    row.lastSeen = finding.lastSeen
                    row.sampleUserAgents = try StoredJSON.text(finding.sampleUserAgents)
                    row.samplePath = finding.samplePath
                    rows.append(row)
                    if rows.count == Self.insertBatch {
                        try await rows.create(on: tx)
                        rows.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !rows.isEmpty { try await rows.create(on: tx) }
            let drifting = report.integrations.filter { $0.outOfScope + $0.includeFlagged > 0 }
            var text = "Scanned \(files.joined(separator: ", ")): \(report.rows) rows, \(report.malformed) malformed, \(report.attributed) attributed; "
            text += "\(report.outOfScopeTotal) out-of-scope requests"
            if !drifting.isEmpty { text += " (" + drifting.prefix(10).map { "\($0.name): \($0.outOfScope)" }.joined(separator: ", ") + ")" }
            text += "; \(report.unknownKeys.count + report.unknownKeysNotListed) unknown keys; \(report.idleKeys.count) idle keys"
            return (DriftScan(id: id, createdAt: now, createdBy: actor.label, files: files, report: report),
                    [AuditEntry(occurredAt: now, actor: actor, entityType: "drift_scan", entityID: id.description, action: "scan", summary: text)])
        }
    }

    func scans(limit: Int) async throws -> [DriftScanSummary] {
        try await DriftScanModel.query(on: database).sort(\.$createdAt, .descending).sort(\.$id).limit(limit).all().map { try $0.toSummary() }
    }

    func scan(_ id: DriftScan.ID) async throws -> DriftScan? {
        guard let model = try await DriftScanModel.find(id.rawValue, on: database) else { return nil }
        var report = try model.report()
        let findings = try await DriftFindingModel.query(on: database).filter(\.$scanID == id.rawValue).all()
        let byIntegration = Dictionary(grouping: findings, by: { $0.integrationID.uuidString.lowercased() })
        report.integrations = try report.integrations.map { integration in
            let list = try (byIntegration[integration.integrationID.lowercased()] ?? []).map { try $0.toDomain() }
            return integration.with(findings: list.ordered())
        }
        let summary = try model.toSummary()
        return DriftScan(id: id, createdAt: summary.createdAt, createdBy: summary.createdBy, files: summary.files, report: report)
    }

    func latest(for integration: Integration.ID) async throws -> (DriftScanSummary, IntegrationDrift)? {
        for model in try await DriftScanModel.query(on: database).sort(\.$createdAt, .descending).sort(\.$id).limit(10).all() {
            let report = try model.report()
            guard let entry = report.integrations.first(where: { $0.integrationID.lowercased() == integration.description }), let scanID = model.id else { continue }
            let findings = try await DriftFindingModel.query(on: database).filter(\.$scanID == scanID).filter(\.$integrationID == integration.rawValue).all()
                .map { try $0.toDomain() }.ordered()
            return (try model.toSummary(), entry.with(findings: findings))
        }
        return nil
    }

    func latest(for integrations: [Integration.ID]) async throws -> [Integration.ID: (DriftScanSummary, IntegrationDrift)] {
        if integrations.isEmpty { return [:] }
        let wanted = Dictionary(integrations.map { ($0.description, $0) }, uniquingKeysWith: { first, _ in first })
        // Each integration's newest scan among the ten newest, as `latest(for:)` looks.
        var chosen: [Integration.ID: (UUID, DriftScanSummary, IntegrationDrift)] = [:]
        for model in try await DriftScanModel.query(on: database).sort(\.$createdAt, .descending).sort(\.$id).limit(10).all() {
            guard let scanID = model.id else { continue }
            let summary = try model.toSummary()
            for entry in try model.report().integrations {
                guard let id = wanted[entry.integrationID.lowercased()], chosen[id] == nil else { continue }
                chosen[id] = (scanID, summary, entry)
            }
        }
        if chosen.isEmpty { return [:] }
        var findings: [Integration.ID: [DriftFinding]] = [:]
        let scans = Array(Set(chosen.values.map(\.0)))
        for batch in Batched.chunks(chosen.keys.map(\.rawValue)) {
            for row in try await DriftFindingModel.query(on: database).filter(\.$scanID ~~ scans).filter(\.$integrationID ~~ Array(batch)).all() {
                let id = Integration.ID(row.integrationID)
                if chosen[id]?.0 == row.scanID { findings[id, default: []].append(try row.toDomain()) }
            }
        }
        var result: [Integration.ID: (DriftScanSummary, IntegrationDrift)] = [:]
        for (id, value) in chosen { result[id] = (value.1, value.2.with(findings: (findings[id] ?? []).ordered())) }
        return result
    }

    func deleteScans(before cutoff: Date, by actor: Actor, at now: Date) async throws -> Int {
        try await AuditedWrite.run(on: database) { tx in
            guard let newest = try await DriftScanModel.query(on: tx).sort(\.$createdAt, .descending).sort(\.$id).first()?.id else { return (0, []) }
            let old = try await DriftScanModel.query(on: tx).filter(\.$createdAt < cutoff).filter(\.$id != newest).all()
            guard !old.isEmpty else { return (0, []) }
            let ids = old.compactMap(\.id)
            for start in stride(from: 0, to: ids.count, by: Self.insertBatch) {
                let batch = Array(ids[start..<min(start + Self.insertBatch, ids.count)])
                try await DriftFindingModel.query(on: tx).filter(\.$scanID ~~ batch).delete()
                try await DriftScanModel.query(on: tx).filter(\.$id ~~ batch).delete()
            }
            let summary = "Deleted \(old.count) drift scan(s) made before \(Format.iso(cutoff)) (retention); their audit events stay"
            return (old.count, [AuditEntry(occurredAt: now, actor: actor, entityType: "drift_scan", entityID: "retention", action: "delete_old", summary: summary)])
        }
    }
}
