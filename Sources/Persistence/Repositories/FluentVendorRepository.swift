import Domain
import FluentKit
import SQLKit
import Foundation

struct FluentVendorRepository: VendorRepository {
    let database: any Database

    func find(_ id: Vendor.ID) async throws -> Vendor? {
        try await VendorModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ query: VendorQuery) async throws -> ResultPage<Vendor> {
        let base = VendorModel.query(on: database)
        if let search = query.search {
            base.filter(.custom(ContainsText(column: "name_key", table: VendorModel.schema, text: search.lowercased())))
        }
        if let standing = query.standing {
            base.filter(\.$standing == standing.rawValue)
        }
        let total = try await base.copy().countRows()
        switch query.sort {
        case .name: base.sort(\.$nameKey, .ascending)
        case .standing: base.sort(\.$standing, .ascending).sort(\.$nameKey, .ascending)
        case .updated: base.sort(\.$updatedAt, .descending).sort(\.$nameKey, .ascending)
        }
        let rows = try await base.range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func countsByStanding() async throws -> [VendorStanding: Int] {
        let sql = database.sqlDatabase
        let rows = try await sql.select().column("standing").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(VendorModel.schema).groupBy("standing").all()
        var counts: [VendorStanding: Int] = [:]
        for row in rows {
            guard let standing = VendorStanding(rawValue: try row.decode(column: "standing", as: String.self)) else {
                throw PersistenceError.corruptRow(table: VendorModel.schema)
            }
            counts[standing] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    func create(_ fields: VendorFields, id: Vendor.ID, by actor: Actor, at now: Date) async throws -> Vendor {
        try await AuditedWrite.run(on: database) { tx in
            try await Self.ensureNameFree(fields.name, except: nil, on: tx)
            let model = VendorModel()
            model.id = id.rawValue
            model.apply(fields)
            model.version = 1
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: tx)
            let vendor = try model.toDomain()
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "vendor", entityID: id.description, action: "create",
                summary: "\(fields.name) — " + ChangeSummary.created(fields.auditValues))
            return (vendor, [entry])
        }
    }

    func update(
        _ id: Vendor.ID, to fields: VendorFields, expectedVersion: Int, by actor: Actor, at now: Date
    ) async throws -> Vendor {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await VendorModel.find(id.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "vendor")
            }
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "vendor", expected: expectedVersion, actual: model.version)
            }
            let before = try model.toDomain().fields
            if before == fields { return (try model.toDomain(), []) }
            try await Self.ensureNameFree(fields.name, except: id, on: tx)
            model.apply(fields)
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "vendor", entityID: id.description, action: "update",
                summary: "\(fields.name) — " + ChangeSummary.changed(from: before.auditValues, to: fields.auditValues))
            return (try model.toDomain(), [entry])
        }
    }

    func names(_ ids: Set<Vendor.ID>) async throws -> [Vendor.ID: String] {
        if ids.isEmpty { return [:] }
        let rows = try await VendorModel.query(on: database).filter(\.$id ~~ ids.map(\.rawValue)).all()
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.id.map { (Vendor.ID($0), row.name) } })
    }

    func allNames() async throws -> [(id: Vendor.ID, name: String)] {
        try await VendorModel.query(on: database).sort(\.$nameKey).field(\.$id).field(\.$name).all()
            .compactMap { row in row.id.map { (id: Vendor.ID($0), name: row.name) } }
    }

    private static func ensureNameFree(_ name: String, except id: Vendor.ID?, on db: any Database) async throws {
        let query = VendorModel.query(on: db).filter(\.$nameKey == name.lowercased())
        if let id { query.filter(\.$id != id.rawValue) }
        if try await query.first() != nil {
            throw DomainError.duplicate(field: "name", message: "A vendor named “\(name)” already exists.")
        }
    }

    func find(_ ids: Set<Vendor.ID>) async throws -> [Vendor.ID: Vendor] {
        var result: [Vendor.ID: Vendor] = [:]
        for batch in Batched.chunks(ids.map(\.rawValue)) {
            for row in try await VendorModel.query(on: database).filter(\.$id ~~ Array(batch)).all() {
                let vendor = try row.toDomain()
                result[vendor.id] = vendor
            }
        }
        return result
    }
}
