import Domain
import FluentKit
import Foundation

struct FluentContractRepository: ContractRepository {
    let database: any Database

    func find(_ id: Contract.ID) async throws -> Contract? {
        try await ContractModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ query: ContractQuery) async throws -> ResultPage<Contract> {
        let base = filtered(query)
        let total = try await base.copy().countRows()
        let rows = try await base.sort(\.$titleKey).sort(\.$id).range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func all(_ query: ContractQuery) async throws -> [Contract] {
        try await filtered(query).sort(\.$titleKey).sort(\.$id).all().map { try $0.toDomain() }
    }

    private func filtered(_ query: ContractQuery) -> QueryBuilder<ContractModel> {
        let base = ContractModel.query(on: database)
        if let search = query.search { base.filter(.custom(ContainsText(column: "title_key", table: ContractModel.schema, text: search.lowercased()))) }
        if let status = query.status { base.filter(\.$status == status.rawValue) }
        if let kind = query.kind { base.filter(\.$kind == kind.rawValue) }
        if let vendor = query.vendorID { base.filter(\.$vendorID == vendor.rawValue) }
        if let name = query.vendorName {
            base.join(VendorModel.self, on: \ContractModel.$vendorID == \VendorModel.$id)
                .filter(.custom(ContainsText(column: "name_key", table: VendorModel.schema, text: name.lowercased())))
        }
        return base
    }

    func create(_ fields: ContractFields, vendorID: Vendor.ID, id: Contract.ID, by actor: Actor, at now: Date) async throws -> Contract {
        try await AuditedWrite.run(on: database) { tx in
            guard let vendor = try await VendorModel.find(vendorID.rawValue, on: tx) else { throw DomainError.notFound(entity: "vendor") }
            let model = ContractModel()
            model.id = id.rawValue
            model.vendorID = vendorID.rawValue
            try model.apply(fields)
            model.version = 1
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "contract", entityID: id.description, action: "create",
                                   summary: "\(fields.title) (\(vendor.name)) — " + ChangeSummary.created(fields.auditValues))
            return (try model.toDomain(), [entry])
        }
    }

    func update(_ id: Contract.ID, to fields: ContractFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Contract {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await ContractModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "contract") }
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "contract", expected: expectedVersion, actual: model.version)
            }
            let before = try model.toDomain().fields
            if before == fields { return (try model.toDomain(), []) }
            try model.apply(fields)
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "contract", entityID: id.description, action: "update",
                                   summary: "\(fields.title) — " + ChangeSummary.changed(from: before.auditValues, to: fields.auditValues))
            return (try model.toDomain(), [entry])
        }
    }

    func documents(_ id: Contract.ID) async throws -> [ContractDocument] {
        // The content column is left out: listing never loads the files themselves.
        try await ContractDocumentModel.query(on: database).filter(\.$contractID == id.rawValue)
            .field(\.$id).field(\.$contractID).field(\.$filename).field(\.$type).field(\.$size).field(\.$sha256)
            .field(\.$uploadedBy).field(\.$uploadedAt)
            .sort(\.$uploadedAt, .descending).all().map { try $0.toDomain() }
    }

    func attach(_ document: ContractDocument, bytes: [UInt8], by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let contract = try await ContractModel.find(document.contractID.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "contract")
            }
            let model = ContractDocumentModel()
            model.id = document.id.rawValue
            model.contractID = document.contractID.rawValue
            model.filename = document.filename
            model.type = document.type.rawValue
            model.size = document.size
            model.sha256 = document.sha256
            model.content = Data(bytes)
            model.uploadedBy = document.uploadedBy
            model.uploadedAt = document.uploadedAt
            try await model.create(on: tx)
            let entry = AuditEntry(occurredAt: document.uploadedAt, actor: actor, entityType: "contract", entityID: document.contractID.description,
                                   action: "attach", summary: "\(contract.title) — attached “\(document.filename)” (\(DocumentCheck.megabytes(document.size)), SHA-256 \(document.sha256))")
            return ((), [entry])
        }
    }

    func document(_ id: ContractDocument.ID, of contract: Contract.ID) async throws -> (ContractDocument, [UInt8])? {
        guard let model = try await ContractDocumentModel.query(on: database)
            .filter(\.$id == id.rawValue).filter(\.$contractID == contract.rawValue).first()
        else { return nil }
        return (try model.toDomain(), [UInt8](model.content))
    }

    func all(ofVendors vendors: Set<Vendor.ID>) async throws -> [Vendor.ID: [Contract]] {
        var result: [Vendor.ID: [Contract]] = [:]
        for batch in Batched.chunks(vendors.map(\.rawValue)) {
            for row in try await ContractModel.query(on: database).filter(\.$vendorID ~~ Array(batch)).sort(\.$titleKey).sort(\.$id).all() {
                result[.init(row.vendorID), default: []].append(try row.toDomain())
            }
        }
        return result
    }
}
