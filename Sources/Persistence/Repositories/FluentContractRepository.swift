import Domain
import FluentKit
import Foundation

final class ContractModel: Model, @unchecked Sendable {
    static let schema = "contracts"

    @ID(key: .id) var id: UUID?
    @Field(key: "vendor_id") var vendorID: UUID
    @Field(key: "title") var title: String
    @Field(key: "title_key") var titleKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "status") var status: String
    @OptionalField(key: "signed_on") var signedOn: String?
    @OptionalField(key: "starts_on") var startsOn: String?
    @OptionalField(key: "ends_on") var endsOn: String?
    @OptionalField(key: "notice_days") var noticeDays: Int?
    @OptionalField(key: "breach_notification_hours") var breachNotificationHours: Int?
    /// JSON object keyed by clause kind: {"present": Bool, "reference": String?}.
    @Field(key: "clauses") var clauses: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    func apply(_ fields: ContractFields) throws {
        title = fields.title
        titleKey = fields.title.lowercased()
        kind = fields.kind.rawValue
        status = fields.status.rawValue
        signedOn = fields.signedOn
        startsOn = fields.startsOn
        endsOn = fields.endsOn
        noticeDays = fields.noticeDays
        breachNotificationHours = fields.breachNotificationHours
        let keyed = Dictionary(uniqueKeysWithValues: fields.clauses.map { ($0.key.rawValue, $0.value) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        clauses = String(decoding: try encoder.encode(keyed), as: UTF8.self)
    }

    func toDomain() throws -> Contract {
        guard let id, let kind = ContractKind(rawValue: kind), let status = ContractStatus(rawValue: status),
              let keyed = try? JSONDecoder().decode([String: Clause].self, from: Data(clauses.utf8))
        else { throw PersistenceError.corruptRow(table: Self.schema) }
        var parsed: [ClauseKind: Clause] = [:]
        for (key, value) in keyed { if let kind = ClauseKind(rawValue: key) { parsed[kind] = value } }
        let fields = ContractFields(
            title: title, kind: kind, status: status, signedOn: signedOn, startsOn: startsOn, endsOn: endsOn, noticeDays: noticeDays,
            breachNotificationHours: breachNotificationHours, clauses: parsed)
        return Contract(id: .init(id), vendorID: .init(vendorID), fields: fields, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}

final class ContractDocumentModel: Model, @unchecked Sendable {
    static let schema = "contract_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "filename") var filename: String
    @Field(key: "type") var type: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "content") var content: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}

    func toDomain() throws -> ContractDocument {
        guard let id, let type = DocumentType(rawValue: type) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return ContractDocument(id: .init(id), contractID: .init(contractID), filename: filename, type: type, size: size,
                                sha256: sha256, uploadedBy: uploadedBy, uploadedAt: uploadedAt)
    }
}

struct FluentContractRepository: ContractRepository {
    let database: any Database

    func find(_ id: Contract.ID) async throws -> Contract? {
        try await ContractModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ query: ContractQuery) async throws -> ResultPage<Contract> {
        let base = filtered(query)
        let total = try await base.copy().count()
        let rows = try await base.sort(\.$titleKey).sort(\.$id).range(query.page.rows).all()
        return ResultPage(items: try rows.map { try $0.toDomain() }, total: total, request: query.page)
    }

    func all(_ query: ContractQuery) async throws -> [Contract] {
        try await filtered(query).sort(\.$titleKey).sort(\.$id).all().map { try $0.toDomain() }
    }

    private func filtered(_ query: ContractQuery) -> QueryBuilder<ContractModel> {
        let base = ContractModel.query(on: database)
        if let search = query.search { base.filter(\.$titleKey ~~ search.lowercased()) }
        if let status = query.status { base.filter(\.$status == status.rawValue) }
        if let kind = query.kind { base.filter(\.$kind == kind.rawValue) }
        if let vendor = query.vendorID { base.filter(\.$vendorID == vendor.rawValue) }
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
}
