import Domain
import FluentKit
import Foundation

final class IntegrationModel: Model, @unchecked Sendable {
    static let schema = "integrations"

    @ID(key: .id) var id: UUID?
    @Field(key: "vendor_id") var vendorID: UUID
    @Field(key: "name") var name: String
    @Field(key: "name_key") var nameKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "install_level") var installLevel: String
    @OptionalField(key: "sub_account_name") var subAccountName: String?
    @Field(key: "purpose") var purpose: String
    @Field(key: "classification") var classification: String
    @Field(key: "sends_data_to_ai") var sendsDataToAI: Bool
    @OptionalField(key: "ai_services") var aiServices: String?
    @OptionalField(key: "ai_data") var aiData: String?
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @OptionalField(key: "next_review_on") var nextReviewOn: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "status_note") var statusNote: String?
    @OptionalField(key: "status_changed_by") var statusChangedBy: String?
    @OptionalField(key: "status_changed_at") var statusChangedAt: Date?
    @OptionalField(key: "risk") var risk: Int?
    @Field(key: "whitelist_version") var whitelistVersion: Int
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $vendorID, $name, $nameKey, $kind, $installLevel, $subAccountName, $purpose, $classification, $sendsDataToAI, $aiServices,
         $aiData, $ownerID, $nextReviewOn, $status, $statusNote, $statusChangedBy, $statusChangedAt, $risk, $whitelistVersion, $version,
         $createdAt, $updatedAt]
    }

    init() {}

    func apply(_ fields: IntegrationFields) {
        name = fields.name
        nameKey = fields.name.lowercased()
        kind = fields.kind.rawValue
        installLevel = fields.installLevel.rawValue
        subAccountName = fields.subAccountName
        purpose = fields.purpose
        classification = fields.classification.rawValue
        sendsDataToAI = fields.sendsDataToAI
        aiServices = fields.aiServices
        aiData = fields.aiData
        ownerID = fields.ownerID?.rawValue
        nextReviewOn = fields.nextReviewOn
    }

    func toDomain() throws -> Integration {
        guard let id, let kind = IntegrationKind(rawValue: kind), let level = InstallLevel(rawValue: installLevel),
              let classification = DataClassification(rawValue: classification), let status = IntegrationStatus(rawValue: status)
        else { throw PersistenceError.corruptRow(table: Self.schema) }
        let fields = IntegrationFields(
            name: name, kind: kind, installLevel: level, subAccountName: subAccountName, purpose: purpose,
            classification: classification, sendsDataToAI: sendsDataToAI, aiServices: aiServices, aiData: aiData,
            ownerID: ownerID.map { .init($0) }, nextReviewOn: nextReviewOn)
        return Integration(
            id: .init(id), vendorID: .init(vendorID), fields: fields, status: status, risk: risk.flatMap(RiskLevel.init(rawValue:)),
            whitelistVersion: whitelistVersion,
            statusChange: statusChangedAt.map { StatusChange(note: statusNote, by: statusChangedBy ?? "", at: $0) }, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}

