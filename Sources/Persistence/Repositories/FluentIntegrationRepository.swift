import Domain
import FluentKit
import Foundation
import SQLKit

struct FluentIntegrationRepository: IntegrationRepository {
    let database: any Database

    func find(_ id: Integration.ID) async throws -> Integration? {
        try await IntegrationModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ query: IntegrationQuery) async throws -> ResultPage<Integration> {
        let base = filtered(query)
        let total = try await base.copy().countRows()
        let rows = try await base.sort(\.$nameKey).sort(\.$id).range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func all(_ query: IntegrationQuery) async throws -> [Integration] {
        try await filtered(query).sort(\.$nameKey).sort(\.$id).all().map { try $0.toDomain() }
    }

    private func filtered(_ query: IntegrationQuery) -> QueryBuilder<IntegrationModel> {
        let base = IntegrationModel.query(on: database)
        if let search = query.search { base.filter(.custom(ContainsText(column: "name_key", table: IntegrationModel.schema, text: search.lowercased()))) }
        if let status = query.status { base.filter(\.$status == status.rawValue) }
        if let kind = query.kind { base.filter(\.$kind == kind.rawValue) }
        if let risk = query.risk { base.filter(\.$risk == risk.rawValue) }
        if let vendor = query.vendorID { base.filter(\.$vendorID == vendor.rawValue) }
        if let name = query.vendorName {
            // The vendors whose name matches, then their integrations through the vendor_id index: a join
            // read every integration first (8 times slower with 10,000 of them on SQLite).
            let vendors = SQLSubquery.select { $0.column("id").from(VendorModel.schema)
                .where(ContainsText(column: "name_key", table: VendorModel.schema, text: name.lowercased())) }
            base.filter(.custom(SQLBinaryExpression(left: SQLColumn("vendor_id", table: IntegrationModel.schema), op: SQLBinaryOperator.in, right: vendors)))
        }
        return base
    }

    func create(
        _ fields: IntegrationFields, vendorID: Vendor.ID, id: Integration.ID, by actor: Actor, at now: Date
    ) async throws -> Integration {
        try await AuditedWrite.run(on: database) { tx in
            guard let vendor = try await VendorModel.find(vendorID.rawValue, on: tx) else { throw DomainError.notFound(entity: "vendor") }
            try await Self.checkName(fields.name, vendorID: vendorID, except: nil, on: tx)
            let owner = try await Self.ownerLabel(fields.ownerID, on: tx)
            let model = IntegrationModel()
            model.id = id.rawValue
            model.vendorID = vendorID.rawValue
            model.apply(fields)
            model.status = IntegrationStatus.draft.rawValue
            model.whitelistVersion = 0
            model.version = 1
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: "create",
                summary: "\(fields.name) (\(vendor.name)) — " + ChangeSummary.created(fields.auditValues(ownerLabel: owner)))
            return (try model.toDomain(), [entry])
        }
    }

    func update(
        _ id: Integration.ID, to fields: IntegrationFields, expectedVersion: Int, by actor: Actor, at now: Date
    ) async throws -> Integration {
        try await AuditedWrite.run(on: database) { tx in
            let model = try await Self.load(id, expectedVersion: expectedVersion, on: tx)
            let before = try model.toDomain().fields
            if before == fields { return (try model.toDomain(), []) }
            try await Self.checkName(fields.name, vendorID: .init(model.vendorID), except: id, on: tx)
            let oldOwner = try await Self.ownerLabel(before.ownerID, on: tx)
            let newOwner = try await Self.ownerLabel(fields.ownerID, on: tx)
            model.apply(fields)
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: "update",
                summary: "\(fields.name) — " + ChangeSummary.changed(
                    from: before.auditValues(ownerLabel: oldOwner), to: fields.auditValues(ownerLabel: newOwner)))
            return (try model.toDomain(), [entry])
        }
    }

    func perform(
        _ action: IntegrationAction, note: String?, on id: Integration.ID, expectedVersion: Int, by actor: Actor, at now: Date
    ) async throws -> Integration {
        try await AuditedWrite.run(on: database) { tx in
            let model = try await Self.load(id, expectedVersion: expectedVersion, on: tx)
            guard let status = IntegrationStatus(rawValue: model.status) else { throw PersistenceError.corruptRow(table: "integrations") }
            let next = try action.apply(to: status, note: note)
            let text = Check.trimmed(note)
            model.status = next.rawValue
            model.statusNote = text.isEmpty ? nil : text
            model.statusChangedBy = actor.label
            model.statusChangedAt = now
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: action.rawValue,
                summary: "\(model.name) — status \(status.label) → \(next.label)" + (text.isEmpty ? "" : ": \(text)"))
            return (try model.toDomain(), [entry])
        }
    }

    func saveWhitelist(
        _ entries: [WhitelistEntry], for id: Integration.ID, expectedWhitelistVersion: Int, by actor: Actor, at now: Date
    ) async throws -> WhitelistVersion {
        try await AuditedWrite.run(on: database) { tx in
            guard let integration = try await IntegrationModel.find(id.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "integration")
            }
            guard integration.whitelistVersion == expectedWhitelistVersion else {
                throw DomainError.staleVersion(entity: "endpoint whitelist", expected: expectedWhitelistVersion, actual: integration.whitelistVersion)
            }
            let previous = try await Self.version(id, number: integration.whitelistVersion, on: tx)
            let diff = WhitelistDiff(from: previous?.entries ?? [], to: entries)
            if let previous, diff.isEmpty { return (previous, []) }
            let number = integration.whitelistVersion + 1
            let versionModel = WhitelistVersionModel()
            versionModel.id = UUID()
            versionModel.integrationID = id.rawValue
            versionModel.number = number
            versionModel.createdAt = now
            versionModel.createdBy = actor.label
            try await versionModel.create(on: tx)
            for (position, entry) in entries.enumerated() {
                let row = WhitelistEntryModel()
                row.versionID = versionModel.id!
                row.position = position
                row.method = entry.verb.rawValue
                row.template = entry.template
                row.justification = entry.justification
                row.groupName = entry.group
                row.kinds = entry.kinds.sorted().map(\.rawValue).joined(separator: ",")
                try await row.create(on: tx)
            }
            let saved = WhitelistVersion(number: number, entries: entries, createdAt: now, createdBy: actor.label)
            integration.whitelistVersion = number
            integration.risk = saved.summary.overallRisk?.rawValue
            integration.updatedAt = now
            try await integration.update(on: tx)
            let risk = saved.summary.overallRisk.map { ", overall risk \($0)" } ?? ""
            var audit = [AuditEntry(
                occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: "whitelist",
                summary: "\(integration.name) — endpoint whitelist version \(number) (\(entries.count) endpoints\(risk)): \(diff.summary)")]
            // A released key no longer matches what is declared: flag it and re-open the review.
            let released = try await KeyReleaseModel.query(on: tx).filter(\.$integrationID == id.rawValue)
                .filter(\.$state ~~ [ReleaseState.released.rawValue, ReleaseState.off.rawValue]).filter(\.$scopeChanged == false).all()
            if !released.isEmpty {
                for release in released {
                    release.scopeChanged = true
                    release.version += 1
                    try await release.update(on: tx)
                }
                var reopened = ""
                if let status = IntegrationStatus(rawValue: integration.status), IntegrationAction.reopen.allowedFrom.contains(status), status != .suspended {
                    integration.status = IntegrationStatus.inReview.rawValue
                    integration.version += 1
                    try await integration.update(on: tx)
                    reopened = "; review re-opened (was \(status.label.lowercased()))"
                }
                audit.append(AuditEntry(
                    occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: "scope_changed",
                    summary: "\(integration.name) — scope changed since release of \(released.count) key(s)\(reopened)"))
            }
            return (saved, audit)
        }
    }

    func whitelist(_ id: Integration.ID, version: Int?) async throws -> WhitelistVersion? {
        let number: Int
        if let version {
            number = version
        } else {
            guard let integration = try await IntegrationModel.find(id.rawValue, on: database) else { return nil }
            number = integration.whitelistVersion
        }
        return try await Self.version(id, number: number, on: database)
    }

    func whitelistVersions(_ id: Integration.ID) async throws -> [WhitelistVersion] {
        let versions = try await WhitelistVersionModel.query(on: database)
            .filter(\.$integrationID == id.rawValue).sort(\.$number, .descending).all()
        var result: [WhitelistVersion] = []
        for version in versions {
            let entries = try await WhitelistEntryModel.query(on: database)
                .filter(\.$versionID == version.id!).sort(\.$position).all().map { try $0.toDomain() }
            result.append(WhitelistVersion(number: version.number, entries: entries, createdAt: version.createdAt, createdBy: version.createdBy))
        }
        return result
    }

    static func version(_ id: Integration.ID, number: Int, on db: any Database) async throws -> WhitelistVersion? {
        guard number > 0, let version = try await WhitelistVersionModel.query(on: db)
            .filter(\.$integrationID == id.rawValue).filter(\.$number == number).first()
        else { return nil }
        let entries = try await WhitelistEntryModel.query(on: db)
            .filter(\.$versionID == version.id!).sort(\.$position).all().map { try $0.toDomain() }
        return WhitelistVersion(number: number, entries: entries, createdAt: version.createdAt, createdBy: version.createdBy)
    }

    static func load(_ id: Integration.ID, expectedVersion: Int, on db: any Database) async throws -> IntegrationModel {
        guard let model = try await IntegrationModel.find(id.rawValue, on: db) else { throw DomainError.notFound(entity: "integration") }
        guard model.version == expectedVersion else {
            throw DomainError.staleVersion(entity: "integration", expected: expectedVersion, actual: model.version)
        }
        return model
    }

    static func checkName(_ name: String, vendorID: Vendor.ID, except id: Integration.ID?, on db: any Database) async throws {
        let query = IntegrationModel.query(on: db).filter(\.$vendorID == vendorID.rawValue).filter(\.$nameKey == name.lowercased())
        if let id { query.filter(\.$id != id.rawValue) }
        if try await query.first() != nil {
            throw DomainError.duplicate(field: "name", message: "This vendor already has an integration named “\(name)”.")
        }
    }

    static func ownerLabel(_ owner: User.ID?, on db: any Database) async throws -> String {
        guard let owner else { return "" }
        guard let user = try await UserModel.find(owner.rawValue, on: db), user.isActive else {
            throw DomainError.validation(ValidationErrors(["ownerID": "Choose an active user as the internal owner."]))
        }
        return user.email
    }

    func reminderCandidates(ids: Set<Integration.ID>) async throws -> [Integration] {
        let dated = try await IntegrationModel.query(on: database).filter(\.$nextReviewOn != nil).all()
        let named = ids.isEmpty ? [] : try await IntegrationModel.query(on: database).filter(\.$id ~~ ids.map(\.rawValue)).all()
        var seen = Set<UUID>()
        return try (dated + named).filter { seen.insert($0.id!).inserted }.map { try $0.toDomain() }
    }

    func acceptWhitelist(_ id: Integration.ID, version: Int, by actor: Actor, userID: User.ID, at now: Date) async throws -> WhitelistAcceptance {
        try await AuditedWrite.run(on: database) { tx in
            guard let integration = try await IntegrationModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "integration") }
            guard integration.whitelistVersion == version, version > 0 else {
                throw DomainError.staleVersion(entity: "endpoint whitelist", expected: version, actual: integration.whitelistVersion)
            }
            if integration.ownerID == userID.rawValue { throw DomainError.separationOfDuties }
            if let existing = try await WhitelistAcceptanceModel.query(on: tx).filter(\.$integrationID == id.rawValue).filter(\.$version == version).first() {
                return (try existing.toDomain(), [])
            }
            let model = WhitelistAcceptanceModel()
            model.id = UUID()
            model.integrationID = id.rawValue
            model.version = version
            model.acceptedBy = actor.label
            model.acceptedByID = userID.rawValue
            model.acceptedAt = now
            try await model.create(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "integration", entityID: id.description, action: "whitelist_accept",
                                   summary: "\(integration.name) — endpoint whitelist version \(version) accepted")
            return (try model.toDomain(), [entry])
        }
    }

    func acceptedWhitelistVersions() async throws -> [Integration.ID: Int] {
        var versions: [Integration.ID: Int] = [:]
        for row in try await WhitelistAcceptanceModel.query(on: database).field(\.$integrationID).field(\.$version).all() {
            versions[.init(row.integrationID), default: 0] = max(versions[.init(row.integrationID)] ?? 0, row.version)
        }
        return versions
    }

    func whitelistAcceptance(_ id: Integration.ID) async throws -> WhitelistAcceptance? {
        try await WhitelistAcceptanceModel.query(on: database).filter(\.$integrationID == id.rawValue).sort(\.$version, .descending).first()?.toDomain()
    }

    func currentWhitelists(_ integrations: [Integration]) async throws -> [Integration.ID: WhitelistVersion] {
        let wanted = Dictionary(integrations.filter { $0.whitelistVersion > 0 }.map { ($0.id.rawValue, $0.whitelistVersion) }, uniquingKeysWith: { first, _ in first })
        var result: [Integration.ID: WhitelistVersion] = [:]
        for batch in Batched.chunks(Array(wanted.keys)) {
            let versions = try await WhitelistVersionModel.query(on: database).filter(\.$integrationID ~~ Array(batch)).all()
                .filter { wanted[$0.integrationID] == $0.number }
            let ids = versions.compactMap(\.id)
            let entries = ids.isEmpty ? [] : try await WhitelistEntryModel.query(on: database).filter(\.$versionID ~~ ids).sort(\.$position).all()
            let byVersion = Dictionary(grouping: entries, by: \.versionID)
            for version in versions {
                result[.init(version.integrationID)] = WhitelistVersion(number: version.number, entries: try (byVersion[version.id!] ?? []).map { try $0.toDomain() },
                                                                      createdAt: version.createdAt, createdBy: version.createdBy)
            }
        }
        return result
    }

    func whitelistAcceptances(_ ids: [Integration.ID]) async throws -> [Integration.ID: WhitelistAcceptance] {
        var result: [Integration.ID: WhitelistAcceptance] = [:]
        for batch in Batched.chunks(ids.map(\.rawValue)) {
            for row in try await WhitelistAcceptanceModel.query(on: database).filter(\.$integrationID ~~ Array(batch)).all() {
                let acceptance = try row.toDomain()
                if (result[acceptance.integrationID]?.version ?? -1) < acceptance.version { result[acceptance.integrationID] = acceptance }
            }
        }
        return result
    }

    func tallies() async throws -> IntegrationTallies {
        let sql = database.sqlDatabase
        var tallies = IntegrationTallies()
        for row in try await sql.raw("SELECT status, kind, risk, COUNT(*) AS n FROM integrations GROUP BY status, kind, risk").all() {
            let count = try row.decode(column: "n", as: Int.self)
            guard let status = IntegrationStatus(rawValue: try row.decode(column: "status", as: String.self)),
                  let kind = IntegrationKind(rawValue: try row.decode(column: "kind", as: String.self)) else { throw PersistenceError.corruptRow(table: "integrations") }
            let risk = try row.decode(column: "risk", as: Int?.self).flatMap(RiskLevel.init(rawValue:))
            tallies.total += count
            tallies.byStatus[status, default: 0] += count
            tallies.byKind[kind, default: 0] += count
            tallies.byRisk[risk, default: 0] += count
        }
        return tallies
    }

    func find(_ ids: Set<Integration.ID>) async throws -> [Integration.ID: Integration] {
        var result: [Integration.ID: Integration] = [:]
        for batch in Batched.chunks(ids.map(\.rawValue)) {
            for row in try await IntegrationModel.query(on: database).filter(\.$id ~~ Array(batch)).all() {
                let integration = try row.toDomain()
                result[integration.id] = integration
            }
        }
        return result
    }

    func queueCandidates() async throws -> [Integration] {
        let rows = try await IntegrationModel.query(on: database).group(.or) { group in
            group.filter(\.$status ~~ IntegrationStatus.releasable.map(\.rawValue))
            group.group(.and) { $0.filter(\.$whitelistVersion > 0).filter(\.$status != IntegrationStatus.retired.rawValue) }
        }.all()
        // Sorted here, not in SQL: asked to sort, SQLite walks the (name, id) index through every integration
        // (6 ms at 10,000) instead of reading the few candidates by the status and whitelist indexes.
        // A UUID's string orders as its bytes do, as the engines order ids.
        return try rows.sorted { ($0.nameKey, $0.id?.uuidString ?? "") < ($1.nameKey, $1.id?.uuidString ?? "") }.map { try $0.toDomain() }
    }
}
